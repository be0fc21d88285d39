#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NIOCore

/// A local file opened with POSIX calls, so uploads and downloads move bytes between the socket
/// buffers and the file without extra copies. Every failure names the operation and the path.
final class LocalFile {
    let path: String
    private var descriptor: Int32
    private let backgroundFlushes = DispatchGroup()

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws(ClientError) -> LocalFile {
        try open(path, flags: O_RDONLY, operation: "open for reading")
    }

    /// Opens `path` for reading and writing, creating it empty when missing.
    static func openForUpdate(_ path: String) throws(ClientError) -> LocalFile {
        try open(path, flags: O_RDWR | O_CREAT, operation: "open for writing")
    }

    private static func open(_ path: String, flags: Int32, operation: String) throws(ClientError) -> LocalFile {
        let descriptor = path.withCString { posixOpen($0, flags | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw failure(operation, path) }
        return LocalFile(path: path, descriptor: descriptor)
    }

    static func failure(_ operation: String, _ path: String) -> ClientError {
        .file("\(operation) \(path): \(String(cString: strerror(errno)))")
    }

    /// The file's current size in bytes.
    func size() throws(ClientError) -> UInt64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.failure("stat", path) }
        return UInt64(status.st_size)
    }

    /// Reads up to `count` bytes at `offset` into `buffer` (replacing its contents); returns how
    /// many were read (0 at the end of the file).
    func read(into buffer: inout [UInt8], count: Int, at offset: UInt64) throws(ClientError) -> Int {
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        var total = 0
        while total < count {
            let got = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + total, count - total, off_t(offset) + off_t(total))
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw Self.failure("read", path) }
            if got == 0 { break }
            total += got
        }
        return total
    }

    /// Reads the next piece (at most `limit` bytes) at the file's current position into a new buffer;
    /// an empty buffer means the end of the file.
    func readBuffer(limit: Int, allocator: ByteBufferAllocator) throws(ClientError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: limit)
        var readError: Int32 = 0
        repeat {
            readError = 0
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: limit) { raw in
                let got = posixRead(descriptor, raw.baseAddress!, limit)
                if got < 0 { readError = errno; return 0 }
                return got
            }
        } while readError == EINTR
        guard readError == 0 else {
            errno = readError
            throw Self.failure("read", path)
        }
        return buffer
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(ClientError) {
        var written = 0
        while written < bytes.count {
            let put = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            if put < 0 && errno == EINTR { continue }
            guard put > 0 else { throw Self.failure("write", path) }
            written += put
        }
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: UInt64) throws(ClientError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw Self.failure("truncate", path) }
    }

    /// Starts writing the data written so far to the disk on another thread, unless such a
    /// flush is still running, so that the disk works while the network does and the final
    /// ``sync()`` has little left to do.
    func flushInBackground() {
        guard descriptor >= 0, backgroundFlushes.wait(timeout: .now()) == .success else { return }
        let descriptor = self.descriptor
        DispatchQueue.global(qos: .utility).async(group: backgroundFlushes) { _ = fdatasync(descriptor) }
    }

    /// Flushes the file's data to the disk.
    func sync() throws(ClientError) {
        backgroundFlushes.wait()
        guard fsync(descriptor) == 0 else { throw Self.failure("fsync", path) }
    }

    /// Closes the descriptor (once), after any background flush.
    func close() {
        guard descriptor >= 0 else { return }
        backgroundFlushes.wait()
        _ = posixClose(descriptor)
        descriptor = -1
    }

    /// Renames `from` to `to`, replacing `to` atomically.
    static func rename(_ from: String, to: String) throws(ClientError) {
        let status = from.withCString { source in to.withCString { target in posixRename(source, target) } }
        guard status == 0 else { throw failure("rename to \(to)", from) }
    }

    /// Removes `path` if present.
    static func remove(_ path: String) {
        _ = path.withCString { unlink($0) }
    }
}

// The C functions under names that do not clash with the methods above.
private func posixOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func posixClose(_ fd: Int32) -> Int32 { close(fd) }
private func posixRename(_ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>) -> Int32 { rename(from, to) }
