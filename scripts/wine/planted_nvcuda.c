/* A planted nvcuda.dll whose DllMain writes where it was loaded from into the file named by
 * LIBCUDA_SYS_TEST_MARK (tests/windows.rs: which nvcuda.dll dynamic-loading opens). Built with
 * mingw by scripts/test/wine.sh. */
#include <windows.h>
BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved) {
    char mark[MAX_PATH], path[MAX_PATH];
    DWORD n = GetEnvironmentVariableA("LIBCUDA_SYS_TEST_MARK", mark, sizeof mark), written;
    if (reason == DLL_PROCESS_ATTACH && n > 0 && n < sizeof mark) {
        HANDLE f = CreateFileA(mark, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (f != INVALID_HANDLE_VALUE) {
            DWORD len = GetModuleFileNameA(self, path, sizeof path);
            WriteFile(f, "planted nvcuda.dll loaded from ", 31, &written, NULL);
            WriteFile(f, path, len, &written, NULL);
            CloseHandle(f);
        }
    }
    return TRUE;
}
