/* bcryptprimitives.dll for Wine 8, which lacks ProcessPrng: Rust's standard library imports it.
 * Forwards to advapi32's SystemFunction036 (RtlGenRandom). Built with mingw by scripts/test/wine.sh. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
