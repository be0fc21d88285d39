import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose read end is drained on a thread of its own, keeping the first `cap` bytes and
/// dropping the rest, so an app writing without end never blocks nor fills the worker's memory.
final class StreamCapture: Sendable {
    /// The end the app writes to.
    let writeDescriptor: Int32
    private let readDescriptor: Int32
    private let cap: Int
    private enum State {
        case reading(waiter: CheckedContinuation<CapturedOutput, Never>?)
        case done(CapturedOutput)
    }
    private let state = Mutex(State.reading(waiter: nil))

    /// A pipe and its reader thread.
    init(cap: Int) throws(ExecutionError) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw .internalFailure("pipe() failed: errno \(errno)") }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        // Not inherited by processes the worker starts other than the one given this end.
        _ = fcntl(readDescriptor, F_SETFD, FD_CLOEXEC)
        self.cap = max(0, cap)
        let thread = Thread { [self] in drain() }
        thread.name = "iexec-capture"
        thread.start()
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var kept: [UInt8] = []
        var truncated = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readDescriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            let room = cap - kept.count
            if room > 0 { kept.append(contentsOf: buffer[0..<min(room, count)]) }
            if count > room { truncated = true }
        }
        close(readDescriptor)
        let captured = CapturedOutput(bytes: kept, truncated: truncated)
        let waiter = state.withLock { state -> CheckedContinuation<CapturedOutput, Never>? in
            defer { state = .done(captured) }
            if case .reading(let waiter) = state { return waiter }
            return nil
        }
        waiter?.resume(returning: captured)
    }

    /// Closes the write end held here (the app's copy may stay open in a child).
    func closeWriteEnd() {
        close(writeDescriptor)
    }

    /// Waits (without blocking a thread) for every writer to close its end, then gives what was kept.
    func collect() async -> CapturedOutput {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> CapturedOutput? in
                if case .done(let captured) = state { return captured }
                state = .reading(waiter: continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}

/// Sizes of what an app left in its output directory.
enum OutputMeasure {
    /// Total bytes of the regular files under `directory` (symbolic links are not followed).
    static func totalBytes(under directory: URL) -> UInt64 {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return 0 }
        var total: UInt64 = 0
        while let relative = walker.nextObject() as? String {
            var status = stat()
            guard lstat(directory.appendingPathComponent(relative).path, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFREG { total += UInt64(max(0, status.st_size)) }
        }
        return total
    }
}
