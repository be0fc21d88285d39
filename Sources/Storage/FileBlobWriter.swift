// Content-addressed blob storage (issue #6): see docs/storage.md.
import Foundation
import Synchronization

/// A ``FileBlobStore`` write: bytes go to `tmp/<token>.blob` as they come, hashed on the way.
final class FileBlobWriter: BlobWriter {
    private enum Phase { case open(descriptor: Int32), closed }

    private struct State {
        var phase: Phase
        var intake: BlobIntake
    }

    private let store: FileBlobStore
    private let token: String
    private let state: Mutex<State>
    private var tempPath: String { store.tempURL(token, ".blob").path }

    init(store: FileBlobStore, intake: BlobIntake) throws(BlobStoreError) {
        self.store = store
        let token = UUID().uuidString
        self.token = token
        let path = store.tempURL(token, ".blob").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXFile.failure("create", path) }
        state = Mutex(State(phase: .open(descriptor: descriptor), intake: intake))
    }

    // A writer dropped mid-way (a cancelled upload) leaves nothing in tmp/.
    deinit { abort() }

    var bytesWritten: UInt64 { state.withLock { $0.intake.totalLength } }

    func write(_ bytes: some Collection<UInt8>) throws(BlobStoreError) {
        let path = tempPath
        try state.withLock { state throws(BlobStoreError) in
            guard case .open(let descriptor) = state.phase else { throw .writerClosed }
            do throws(BlobStoreError) {
                try state.intake.admit(count: bytes.count)
                let written = bytes.withContiguousStorageIfAvailable { buffer in
                    POSIXFile.writeAll(descriptor, UnsafeRawBufferPointer(buffer))
                } ?? Array(bytes).withUnsafeBytes { POSIXFile.writeAll(descriptor, $0) }
                guard written else { throw POSIXFile.failure("write", path) }
                state.intake.hash(bytes)
            } catch {
                Self.discard(&state, path: path)
                throw error
            }
        }
    }

    func commit() throws(BlobStoreError) -> StoredBlob {
        let path = tempPath
        let finished = try state.withLock { state throws(BlobStoreError) -> (id: ContentID, leaves: [[UInt8]], metadata: BlobMetadata) in
            guard case .open(let descriptor) = state.phase else { throw .writerClosed }
            // Flushed before the id is trusted: the rename must never publish unwritten pages.
            let synced = fsync(descriptor) == 0
            let failure = synced ? nil : POSIXFile.failure("fsync", path)
            close(descriptor)
            state.phase = .closed
            if let failure {
                unlink(path)
                throw failure
            }
            do throws(BlobStoreError) { return try state.intake.finish() } catch {
                unlink(path)
                throw error
            }
        }
        return try store.install(token: token, id: finished.id, leaves: finished.leaves, metadata: finished.metadata)
    }

    func abort() {
        let path = tempPath
        state.withLock { Self.discard(&$0, path: path) }
    }

    private static func discard(_ state: inout State, path: String) {
        guard case .open(let descriptor) = state.phase else { return }
        close(descriptor)
        unlink(path)
        state.phase = .closed
    }
}

/// The few POSIX calls the file store needs, with its errors.
enum POSIXFile {
    /// The error of the failed call `operation` on `path`, from `errno`.
    static func failure(_ operation: String, _ path: String) -> BlobStoreError {
        .io(operation: operation, path: path, message: String(cString: strerror(errno)))
    }

    /// Writes all of `bytes` (retrying short writes and interruptions); false on an error (`errno`).
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Creates `url` with `bytes`, flushed to disk.
    static func writeDurably(_ bytes: [UInt8], to url: URL) throws(BlobStoreError) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create", url.path) }
        defer { close(descriptor) }
        guard bytes.withUnsafeBytes({ writeAll(descriptor, $0) }) else { throw failure("write", url.path) }
        guard fsync(descriptor) == 0 else { throw failure("fsync", url.path) }
    }

    /// POSIX rename: atomic, and it replaces a stale sidecar left by an earlier crash.
    static func rename(_ source: URL, to destination: URL) throws(BlobStoreError) {
        guard Foundation.rename(source.path, destination.path) == 0 else { throw failure("rename", destination.path) }
    }

    /// Flushes a directory's entries (the renames into it).
    static func synchronizeDirectory(_ url: URL) throws(BlobStoreError) {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", url.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync", url.path) }
    }
}
