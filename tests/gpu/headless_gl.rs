//! A headless OpenGL context through EGL, for the GL interop test and the `gl_interop` example
//! (which includes this file). No window system: an EGL display on an EGL device
//! (`EGL_EXT_device_enumeration`, `EGL_EXT_platform_device`), else the default display, a 16x16
//! pbuffer, and an OpenGL context made current on the calling thread.
//!
//! libEGL.so.1 and libOpenGL.so.0 (else libGL.so.1) are opened at run time, so that a binary
//! built with them in mind starts on a machine without them; [`Gl::open`] then says what it looked
//! for. The few EGL and GL constants used are those of the Khronos headers (EGL/egl.h,
//! EGL/eglext.h, GL/gl.h, GL/glext.h), whose values the Khronos registry fixes for all time.
#![allow(dead_code)] // the example uses a part of it

use core::ffi::{c_char, c_int, c_uint, c_void, CStr};
use core::ptr;
use libloading::Library;

type EGLDisplay = *mut c_void;
type EGLConfig = *mut c_void;
type EGLContext = *mut c_void;
type EGLSurface = *mut c_void;
type EGLDeviceEXT = *mut c_void;
type EGLint = i32;
type EGLBoolean = c_uint;

const EGL_TRUE: EGLBoolean = 1;
const EGL_NONE: EGLint = 0x3038;
const EGL_SURFACE_TYPE: EGLint = 0x3033;
const EGL_PBUFFER_BIT: EGLint = 0x0001;
const EGL_RENDERABLE_TYPE: EGLint = 0x3040;
const EGL_OPENGL_BIT: EGLint = 0x0008;
const EGL_WIDTH: EGLint = 0x3057;
const EGL_HEIGHT: EGLint = 0x3056;
const EGL_OPENGL_API: c_uint = 0x30A2;
const EGL_VENDOR: EGLint = 0x3053;
const EGL_PLATFORM_DEVICE_EXT: c_uint = 0x313F;

pub const GL_ARRAY_BUFFER: c_uint = 0x8892;
const GL_DYNAMIC_DRAW: c_uint = 0x88E8;
const GL_NO_ERROR: c_uint = 0;
const GL_RENDERER: c_uint = 0x1F01;
const GL_VERSION: c_uint = 0x1F02;

/// The EGL and GL functions used, taken from the libraries that `Gl` keeps open.
#[derive(Clone, Copy)]
struct Fns {
    get_display: unsafe extern "C" fn(*mut c_void) -> EGLDisplay,
    initialize: unsafe extern "C" fn(EGLDisplay, *mut EGLint, *mut EGLint) -> EGLBoolean,
    terminate: unsafe extern "C" fn(EGLDisplay) -> EGLBoolean,
    query_string: unsafe extern "C" fn(EGLDisplay, EGLint) -> *const c_char,
    choose_config: unsafe extern "C" fn(EGLDisplay, *const EGLint, *mut EGLConfig, EGLint, *mut EGLint) -> EGLBoolean,
    bind_api: unsafe extern "C" fn(c_uint) -> EGLBoolean,
    create_context: unsafe extern "C" fn(EGLDisplay, EGLConfig, EGLContext, *const EGLint) -> EGLContext,
    destroy_context: unsafe extern "C" fn(EGLDisplay, EGLContext) -> EGLBoolean,
    create_pbuffer: unsafe extern "C" fn(EGLDisplay, EGLConfig, *const EGLint) -> EGLSurface,
    destroy_surface: unsafe extern "C" fn(EGLDisplay, EGLSurface) -> EGLBoolean,
    make_current: unsafe extern "C" fn(EGLDisplay, EGLSurface, EGLSurface, EGLContext) -> EGLBoolean,
    get_error: unsafe extern "C" fn() -> EGLint,
    /// `EGL_EXT_device_enumeration` and `EGL_EXT_platform_device`, where the implementation has them.
    query_devices: Option<unsafe extern "C" fn(EGLint, *mut EGLDeviceEXT, *mut EGLint) -> EGLBoolean>,
    get_platform_display: Option<unsafe extern "C" fn(c_uint, *mut c_void, *const EGLint) -> EGLDisplay>,
    gen_buffers: unsafe extern "C" fn(c_int, *mut c_uint),
    delete_buffers: unsafe extern "C" fn(c_int, *const c_uint),
    bind_buffer: unsafe extern "C" fn(c_uint, c_uint),
    buffer_data: unsafe extern "C" fn(c_uint, isize, *const c_void, c_uint),
    get_buffer_sub_data: unsafe extern "C" fn(c_uint, isize, isize, *mut c_void),
    get_string: unsafe extern "C" fn(c_uint) -> *const u8,
    gl_get_error: unsafe extern "C" fn() -> c_uint,
    finish: unsafe extern "C" fn(),
}

/// An OpenGL context current on the thread that opened it, until dropped.
pub struct Gl {
    fns: Fns,
    display: EGLDisplay,
    context: EGLContext,
    surface: EGLSurface,
    /// Which display it is, for messages: "EGL device 0 (NVIDIA)".
    pub display_name: String,
    _libraries: [Library; 2],
}

fn open_first(names: &[&str]) -> Result<Library, String> {
    let mut errors = Vec::new();
    for name in names {
        // SAFETY: the system's EGL and GL loaders run no initialisation that could misbehave here.
        match unsafe { Library::new(*name) } {
            Ok(library) => return Ok(library),
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    Err(errors.join("; "))
}

/// `library`'s symbol `name` as a function pointer of type `T`.
unsafe fn symbol<T: Copy>(library: &Library, name: &str) -> Result<T, String> {
    library.get::<T>(name.as_bytes()).map(|s| *s).map_err(|e| format!("{name}: {e}"))
}

/// An EGL extension function through eglGetProcAddress, `None` where there is none.
unsafe fn extension<T: Copy>(get_proc: unsafe extern "C" fn(*const c_char) -> *mut c_void, name: &CStr) -> Option<T> {
    let p = get_proc(name.as_ptr());
    (!p.is_null()).then(|| core::mem::transmute_copy::<*mut c_void, T>(&p))
}

impl Gl {
    /// Opens the loaders and makes current the first OpenGL context for which `accept` (called
    /// while it is current) answers `Ok`, trying each EGL device, then the default display.
    /// `Err` says what was looked for and why each candidate was refused.
    pub fn open<T>(accept: &mut dyn FnMut() -> Result<T, String>) -> Result<(Gl, T), String> {
        let egl = open_first(&["libEGL.so.1"]).map_err(|e| format!("no EGL loader: {e}"))?;
        let gl = open_first(&["libOpenGL.so.0", "libGL.so.1"]).map_err(|e| format!("no OpenGL library: {e}"))?;
        let fns = unsafe { Fns::load(&egl, &gl) }?;
        let mut displays: Vec<(String, EGLDisplay)> = Vec::new();
        if let (Some(query_devices), Some(get_platform_display)) = (fns.query_devices, fns.get_platform_display) {
            let mut devices = [ptr::null_mut(); 16];
            let mut count: EGLint = 0;
            if unsafe { query_devices(devices.len() as EGLint, devices.as_mut_ptr(), &mut count) } == EGL_TRUE {
                for (i, &device) in devices.iter().enumerate().take(count.max(0) as usize) {
                    let display = unsafe { get_platform_display(EGL_PLATFORM_DEVICE_EXT, device, ptr::null()) };
                    displays.push((format!("EGL device {i}"), display));
                }
            }
        }
        displays.push(("EGL_DEFAULT_DISPLAY".to_string(), unsafe { (fns.get_display)(ptr::null_mut()) }));
        let mut refused = Vec::new();
        for (name, display) in displays {
            match Gl::on_display(fns, display, name.clone()) {
                Ok(current) => match accept() {
                    Ok(answer) => return Ok((current.into_gl([egl, gl]), answer)),
                    Err(why) => {
                        refused.push(format!("{}: {why}", current.name));
                        current.close();
                    }
                },
                Err(why) => refused.push(format!("{name}: {why}")),
            }
        }
        Err(format!("no EGL display gave an OpenGL context that CUDA can use ({})", refused.join("; ")))
    }

    /// A pbuffer and an OpenGL context on `display`, current.
    fn on_display(fns: Fns, display: EGLDisplay, name: String) -> Result<Opening, String> {
        if display.is_null() {
            return Err("no display".to_string());
        }
        let (mut major, mut minor) = (0, 0);
        if unsafe { (fns.initialize)(display, &mut major, &mut minor) } != EGL_TRUE {
            return Err(format!("eglInitialize failed (EGL error {:#x})", unsafe { (fns.get_error)() }));
        }
        let vendor = unsafe { (fns.query_string)(display, EGL_VENDOR) };
        let vendor = if vendor.is_null() { "?".into() } else { unsafe { CStr::from_ptr(vendor) }.to_string_lossy() };
        let name = format!("{name} ({vendor}, EGL {major}.{minor})");
        let attributes = [EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE];
        let mut config: EGLConfig = ptr::null_mut();
        let mut configs = 0;
        let chosen = unsafe { (fns.choose_config)(display, attributes.as_ptr(), &mut config, 1, &mut configs) };
        let mut opening = Opening { fns, display, context: ptr::null_mut(), surface: ptr::null_mut(), name };
        if chosen != EGL_TRUE || configs < 1 {
            return opening.fail("eglChooseConfig (pbuffer, OpenGL)");
        }
        if unsafe { (opening.fns.bind_api)(EGL_OPENGL_API) } != EGL_TRUE {
            return opening.fail("eglBindAPI(EGL_OPENGL_API)");
        }
        opening.context = unsafe { (opening.fns.create_context)(display, config, ptr::null_mut(), [EGL_NONE].as_ptr()) };
        if opening.context.is_null() {
            return opening.fail("eglCreateContext");
        }
        opening.surface = unsafe { (opening.fns.create_pbuffer)(display, config, [EGL_WIDTH, 16, EGL_HEIGHT, 16, EGL_NONE].as_ptr()) };
        if opening.surface.is_null() {
            return opening.fail("eglCreatePbufferSurface");
        }
        if unsafe { (opening.fns.make_current)(display, opening.surface, opening.surface, opening.context) } != EGL_TRUE {
            return opening.fail("eglMakeCurrent");
        }
        Ok(opening)
    }

    /// "NVIDIA H200/PCIe/SSE2, OpenGL 4.6.0 NVIDIA 580.159.04".
    pub fn renderer(&self) -> String {
        let text = |name| {
            let s = unsafe { (self.fns.get_string)(name) };
            if s.is_null() {
                "?".to_string()
            } else {
                unsafe { CStr::from_ptr(s.cast()) }.to_string_lossy().into_owned()
            }
        };
        format!("{}, OpenGL {}", text(GL_RENDERER), text(GL_VERSION))
    }

    fn gl_error(&self, what: &str) -> Result<(), String> {
        match unsafe { (self.fns.gl_get_error)() } {
            GL_NO_ERROR => Ok(()),
            e => Err(format!("{what}: GL error {e:#x}")),
        }
    }

    /// A new GL_ARRAY_BUFFER (glGenBuffers, glBufferData) holding `data`, complete (glFinish).
    pub fn buffer_with(&self, data: &[u32]) -> Result<c_uint, String> {
        let mut buffer: c_uint = 0;
        unsafe {
            (self.fns.gen_buffers)(1, &mut buffer);
            (self.fns.bind_buffer)(GL_ARRAY_BUFFER, buffer);
            (self.fns.buffer_data)(GL_ARRAY_BUFFER, core::mem::size_of_val(data) as isize, data.as_ptr().cast(), GL_DYNAMIC_DRAW);
            (self.fns.bind_buffer)(GL_ARRAY_BUFFER, 0);
            (self.fns.finish)();
        }
        self.gl_error("glGenBuffers, glBufferData")?;
        if buffer == 0 {
            return Err("glGenBuffers gave buffer 0".into());
        }
        Ok(buffer)
    }

    /// The first `n` u32 of `buffer`, through glGetBufferSubData.
    pub fn read(&self, buffer: c_uint, n: usize) -> Result<Vec<u32>, String> {
        let mut data = vec![0u32; n];
        unsafe {
            (self.fns.bind_buffer)(GL_ARRAY_BUFFER, buffer);
            (self.fns.get_buffer_sub_data)(GL_ARRAY_BUFFER, 0, (n * 4) as isize, data.as_mut_ptr().cast());
            (self.fns.bind_buffer)(GL_ARRAY_BUFFER, 0);
        }
        self.gl_error("glGetBufferSubData")?;
        Ok(data)
    }

    pub fn delete(&self, buffer: c_uint) -> Result<(), String> {
        unsafe { (self.fns.delete_buffers)(1, &buffer) };
        self.gl_error("glDeleteBuffers")
    }
}

impl Drop for Gl {
    fn drop(&mut self) {
        let f = &self.fns;
        unsafe {
            (f.make_current)(self.display, ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
            (f.destroy_surface)(self.display, self.surface);
            (f.destroy_context)(self.display, self.context);
            (f.terminate)(self.display);
        }
    }
}

/// A context being set up on one display: torn down again when refused.
struct Opening {
    fns: Fns,
    display: EGLDisplay,
    context: EGLContext,
    surface: EGLSurface,
    name: String,
}

impl Opening {
    fn into_gl(self, libraries: [Library; 2]) -> Gl {
        Gl {
            fns: self.fns,
            display: self.display,
            context: self.context,
            surface: self.surface,
            display_name: self.name,
            _libraries: libraries,
        }
    }

    fn fail<T>(self, what: &str) -> Result<T, String> {
        let error = unsafe { (self.fns.get_error)() };
        self.close();
        Err(format!("{what} failed (EGL error {error:#x})"))
    }

    /// Releases what was made.
    fn close(self) {
        let f = self.fns;
        unsafe {
            (f.make_current)(self.display, ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
            if !self.surface.is_null() {
                (f.destroy_surface)(self.display, self.surface);
            }
            if !self.context.is_null() {
                (f.destroy_context)(self.display, self.context);
            }
            (f.terminate)(self.display);
        }
    }
}

impl Fns {
    unsafe fn load(egl: &Library, gl: &Library) -> Result<Fns, String> {
        let get_proc: unsafe extern "C" fn(*const c_char) -> *mut c_void = symbol(egl, "eglGetProcAddress")?;
        Ok(Fns {
            get_display: symbol(egl, "eglGetDisplay")?,
            initialize: symbol(egl, "eglInitialize")?,
            terminate: symbol(egl, "eglTerminate")?,
            query_string: symbol(egl, "eglQueryString")?,
            choose_config: symbol(egl, "eglChooseConfig")?,
            bind_api: symbol(egl, "eglBindAPI")?,
            create_context: symbol(egl, "eglCreateContext")?,
            destroy_context: symbol(egl, "eglDestroyContext")?,
            create_pbuffer: symbol(egl, "eglCreatePbufferSurface")?,
            destroy_surface: symbol(egl, "eglDestroySurface")?,
            make_current: symbol(egl, "eglMakeCurrent")?,
            get_error: symbol(egl, "eglGetError")?,
            query_devices: extension(get_proc, c"eglQueryDevicesEXT"),
            get_platform_display: extension(get_proc, c"eglGetPlatformDisplayEXT"),
            gen_buffers: symbol(gl, "glGenBuffers")?,
            delete_buffers: symbol(gl, "glDeleteBuffers")?,
            bind_buffer: symbol(gl, "glBindBuffer")?,
            buffer_data: symbol(gl, "glBufferData")?,
            get_buffer_sub_data: symbol(gl, "glGetBufferSubData")?,
            get_string: symbol(gl, "glGetString")?,
            gl_get_error: symbol(gl, "glGetError")?,
            finish: symbol(gl, "glFinish")?,
        })
    }
}
