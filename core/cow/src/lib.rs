//! Copy-on-write worlds: a SQLite VFS (`env0-cow`) whose database file reads through to a
//! snapshot's shared, immutable image and keeps only the 4 KiB chunks written since.
//!
//! A world made from a snapshot the usual way (`World::from_snapshot`) owns a copy of
//! the whole image (10.9 MB for the large world): creating one costs the copy and the page faults
//! of fresh memory, and a thousand rollouts hold a thousand copies. A copy-on-write world costs
//! opening a connection, and holds what it changed. It behaves as an in-memory world in every
//! other way: the rollback journal is kept in memory (`journal_mode=MEMORY`), nothing touches a
//! disk, and restoring a snapshot into it turns it into an ordinary in-memory world.
//!
//! The VFS serves only files staged by [`stage`]: each is opened once, by the connection
//! `World::from_snapshot_shared` makes, and freed when that connection closes. Any other
//! file SQLite might ask for (journals, temporary files) is refused, so a mistake shows as an
//! error rather than as a file on disk; the pragmas set on open keep SQLite from asking.

#![allow(unsafe_code)] // SQLite's VFS is a C interface: see each unsafe block.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rusqlite::ffi;

/// The VFS's registered name.
pub const VFS_NAME: &str = "env0-cow";
const VFS_NAME_C: &CStr = c"env0-cow";
/// Copy-on-write granularity: what one write copies from the image at most per chunk it touches.
const CHUNK: usize = 4096;

/// One file's contents: the shared image, and the chunks written over it.
struct Contents {
    image: Arc<[u8]>,
    /// Bytes of the image still part of the file (less after a truncation).
    image_len: usize,
    chunks: HashMap<usize, Box<[u8]>>,
    size: usize,
}

impl Contents {
    fn read(&self, out: &mut [u8], offset: usize) {
        let mut done = 0;
        while done < out.len() {
            let at = offset + done;
            let (index, within) = (at / CHUNK, at % CHUNK);
            let n = (CHUNK - within).min(out.len() - done);
            let dst = &mut out[done..done + n];
            if let Some(chunk) = self.chunks.get(&index) {
                dst.copy_from_slice(&chunk[within..within + n]);
            } else {
                // From the image where it still reaches, zeros beyond.
                let from_image = self.image_len.saturating_sub(at).min(n);
                if from_image > 0 {
                    dst[..from_image].copy_from_slice(&self.image[at..at + from_image]);
                }
                dst[from_image..].fill(0);
            }
            done += n;
        }
    }

    fn chunk_mut(&mut self, index: usize) -> &mut [u8] {
        let (image, image_len) = (&self.image, self.image_len);
        self.chunks.entry(index).or_insert_with(|| {
            let mut chunk = vec![0u8; CHUNK].into_boxed_slice();
            let start = index * CHUNK;
            let n = image_len.saturating_sub(start).min(CHUNK);
            if n > 0 {
                chunk[..n].copy_from_slice(&image[start..start + n]);
            }
            chunk
        })
    }

    fn write(&mut self, data: &[u8], offset: usize) {
        let mut done = 0;
        while done < data.len() {
            let at = offset + done;
            let (index, within) = (at / CHUNK, at % CHUNK);
            let n = (CHUNK - within).min(data.len() - done);
            self.chunk_mut(index)[within..within + n].copy_from_slice(&data[done..done + n]);
            done += n;
        }
        self.size = self.size.max(offset + data.len());
    }

    fn truncate(&mut self, size: usize) {
        if size >= self.size {
            return;
        }
        // What lies past the new end must read as zeros if the file grows again.
        self.image_len = self.image_len.min(size);
        self.chunks.retain(|index, _| index * CHUNK < size);
        let (index, within) = (size / CHUNK, size % CHUNK);
        if within > 0 {
            if let Some(chunk) = self.chunks.get_mut(&index) {
                chunk[within..].fill(0);
            }
        }
        self.size = size;
    }
}

/// Files staged for opening, by name.
fn staged() -> &'static Mutex<HashMap<String, Contents>> {
    static STAGED: OnceLock<Mutex<HashMap<String, Contents>>> = OnceLock::new();
    STAGED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Stages a file holding `image` for the next open; returns its name.
pub fn stage(image: Arc<[u8]>) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!("env0-cow-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let size = image.len();
    let contents = Contents {
        image_len: size,
        image,
        chunks: HashMap::new(),
        size,
    };
    staged()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(name.clone(), contents);
    name
}

/// Forgets a staged file that was never opened (its open failed).
pub fn unstage(name: &str) {
    staged()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(name);
}

/// Registers the VFS with SQLite (once per process).
pub fn register() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED.get_or_init(register_once).clone()
}

fn register_once() -> Result<(), String> {
    // SAFETY: sqlite3_vfs_find(NULL) returns the default VFS, which lives as long as the
    // process; it is only read here. The new VFS is leaked so that it outlives every connection,
    // as SQLite requires of a registered VFS.
    unsafe {
        let default = ffi::sqlite3_vfs_find(std::ptr::null());
        if default.is_null() {
            return Err("SQLite has no default VFS to take the clock and randomness from".into());
        }
        // The default VFS's clock, randomness, sleep and dynamic-loading entries are kept; the
        // file entries are this module's.
        let mut vfs: ffi::sqlite3_vfs = *default;
        vfs.szOsFile = std::mem::size_of::<CowFile>() as c_int;
        vfs.mxPathname = 512;
        vfs.pNext = std::ptr::null_mut();
        vfs.zName = VFS_NAME_C.as_ptr();
        vfs.pAppData = std::ptr::null_mut();
        vfs.xOpen = Some(x_open);
        vfs.xDelete = Some(x_delete);
        vfs.xAccess = Some(x_access);
        vfs.xFullPathname = Some(x_full_pathname);
        let leaked: &'static mut ffi::sqlite3_vfs = Box::leak(Box::new(vfs));
        let rc = ffi::sqlite3_vfs_register(leaked, 0);
        if rc != ffi::SQLITE_OK {
            return Err(format!(
                "SQLite refused to register the {VFS_NAME} VFS (code {rc})"
            ));
        }
    }
    Ok(())
}

/// SQLite's file object for this VFS: the base struct first, as SQLite requires.
#[repr(C)]
struct CowFile {
    base: ffi::sqlite3_file,
    contents: *mut Mutex<Contents>,
}

static IO_METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 1,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_lock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: None,
    xShmLock: None,
    xShmBarrier: None,
    xShmUnmap: None,
    xFetch: None,
    xUnfetch: None,
};

/// The contents behind an open file.
///
/// # Safety
/// `file` must be a `CowFile` this VFS opened and has not closed.
unsafe fn contents<'a>(file: *mut ffi::sqlite3_file) -> Option<&'a Mutex<Contents>> {
    let cow = file as *mut CowFile;
    unsafe { (*cow).contents.as_ref() }
}

fn lock(m: &Mutex<Contents>) -> std::sync::MutexGuard<'_, Contents> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SQLite requires pMethods to be NULL when an open fails.
    unsafe {
        (*file).pMethods = std::ptr::null();
        (*(file as *mut CowFile)).contents = std::ptr::null_mut();
    }
    if name.is_null() || flags & ffi::SQLITE_OPEN_MAIN_DB == 0 {
        return ffi::SQLITE_CANTOPEN;
    }
    let Ok(name) = unsafe { CStr::from_ptr(name) }.to_str() else {
        return ffi::SQLITE_CANTOPEN;
    };
    let Some(contents) = staged()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(name)
    else {
        return ffi::SQLITE_CANTOPEN;
    };
    unsafe {
        (*(file as *mut CowFile)).contents = Box::into_raw(Box::new(Mutex::new(contents)));
        (*file).pMethods = &IO_METHODS;
        if !out_flags.is_null() {
            *out_flags = flags;
        }
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_delete(_: *mut ffi::sqlite3_vfs, _: *const c_char, _: c_int) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_access(
    _: *mut ffi::sqlite3_vfs,
    _: *const c_char,
    _: c_int,
    out: *mut c_int,
) -> c_int {
    // No journal, WAL or other side file ever exists.
    if !out.is_null() {
        unsafe { *out = 0 };
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_full_pathname(
    _: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n_out: c_int,
    out: *mut c_char,
) -> c_int {
    if name.is_null() || out.is_null() || n_out <= 0 {
        return ffi::SQLITE_CANTOPEN;
    }
    let bytes = unsafe { CStr::from_ptr(name) }.to_bytes_with_nul();
    if bytes.len() > n_out as usize {
        return ffi::SQLITE_CANTOPEN;
    }
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr() as *const c_char, out, bytes.len()) };
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let cow = file as *mut CowFile;
    unsafe {
        let raw = (*cow).contents;
        if !raw.is_null() {
            drop(Box::from_raw(raw));
            (*cow).contents = std::ptr::null_mut();
        }
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let (Ok(amount), Ok(offset)) = (usize::try_from(amount), usize::try_from(offset)) else {
        return ffi::SQLITE_IOERR_READ;
    };
    let Some(m) = (unsafe { contents(file) }) else {
        return ffi::SQLITE_IOERR_READ;
    };
    let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, amount) };
    let c = lock(m);
    let available = c.size.saturating_sub(offset).min(amount);
    c.read(&mut out[..available], offset);
    if available < amount {
        // SQLite requires the rest of a short read zero-filled.
        out[available..].fill(0);
        return ffi::SQLITE_IOERR_SHORT_READ;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let (Ok(amount), Ok(offset)) = (usize::try_from(amount), usize::try_from(offset)) else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    let Some(m) = (unsafe { contents(file) }) else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    let data = unsafe { std::slice::from_raw_parts(buf as *const u8, amount) };
    lock(m).write(data, offset);
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    let Ok(size) = usize::try_from(size) else {
        return ffi::SQLITE_IOERR_TRUNCATE;
    };
    let Some(m) = (unsafe { contents(file) }) else {
        return ffi::SQLITE_IOERR_TRUNCATE;
    };
    lock(m).truncate(size);
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_sync(_: *mut ffi::sqlite3_file, _: c_int) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_file_size(
    file: *mut ffi::sqlite3_file,
    out: *mut ffi::sqlite3_int64,
) -> c_int {
    let Some(m) = (unsafe { contents(file) }) else {
        return ffi::SQLITE_IOERR_FSTAT;
    };
    unsafe { *out = lock(m).size as ffi::sqlite3_int64 };
    ffi::SQLITE_OK
}

// One connection per file, so locks have nothing to exclude.
unsafe extern "C" fn x_lock(_: *mut ffi::sqlite3_file, _: c_int) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_check_reserved_lock(_: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    unsafe { *out = 0 };
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_file_control(_: *mut ffi::sqlite3_file, _: c_int, _: *mut c_void) -> c_int {
    ffi::SQLITE_NOTFOUND
}

unsafe extern "C" fn x_sector_size(_: *mut ffi::sqlite3_file) -> c_int {
    CHUNK as c_int
}

unsafe extern "C" fn x_device_characteristics(_: *mut ffi::sqlite3_file) -> c_int {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(image: Vec<u8>) -> Contents {
        let size = image.len();
        Contents {
            image: image.into(),
            image_len: size,
            chunks: HashMap::new(),
            size,
        }
    }

    fn read(c: &Contents, offset: usize, n: usize) -> Vec<u8> {
        let mut out = vec![0xAA; n];
        c.read(&mut out, offset);
        out
    }

    #[test]
    fn writes_land_over_the_image_and_leave_it_alone() {
        let image: Vec<u8> = (0..3 * CHUNK).map(|i| (i % 251) as u8).collect();
        let mut c = contents(image.clone());
        assert_eq!(read(&c, 100, 5000), image[100..5100]);
        // A write across a chunk boundary.
        c.write(&[1, 2, 3, 4], CHUNK - 2);
        let mut expected = image.clone();
        expected[CHUNK - 2..CHUNK + 2].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(read(&c, 0, 3 * CHUNK), expected);
        assert_eq!(c.chunks.len(), 2);
        assert_eq!(
            &c.image[..],
            &image[..],
            "the shared image is never written"
        );
        // Growing past the end: zeros between.
        c.write(&[9], 4 * CHUNK + 10);
        assert_eq!(c.size, 4 * CHUNK + 11);
        assert_eq!(
            read(&c, 3 * CHUNK, CHUNK + 11)[..CHUNK + 10],
            vec![0; CHUNK + 10][..]
        );
    }

    #[test]
    fn truncation_forgets_what_lies_past_the_end() {
        let image: Vec<u8> = (0..2 * CHUNK).map(|i| (i % 7 + 1) as u8).collect();
        let mut c = contents(image.clone());
        c.write(&[5; 10], CHUNK + 100);
        c.truncate(CHUNK + 50);
        assert_eq!(c.size, CHUNK + 50);
        // Grown again, the bytes past the old truncation point are zeros, not the image's.
        c.write(&[8], 2 * CHUNK - 1);
        let tail = read(&c, CHUNK + 50, CHUNK - 51);
        assert!(tail.iter().all(|&b| b == 0), "{:?}", &tail[..20]);
        assert_eq!(read(&c, 0, CHUNK + 50), image[..CHUNK + 50]);
        c.truncate(10);
        c.write(&[1], 3 * CHUNK);
        assert!(read(&c, 10, 3 * CHUNK - 10).iter().all(|&b| b == 0));
    }
}
