import Foundation
import Synchronization
import WasmKit
import WasmKitWASI

/// Wraps WasmKit's WASI functions to keep /iexec_in read-only and /iexec_out within its byte
/// budget. WasmKit's host file system has no per-preopen rights, so the check is here: every
/// descriptor opened through a read-only one is read-only too, and calls that would change a file or
/// a directory through one answer `EROFS`.
final class WasiGuard: Sendable {
    /// WASI errno values (wasi_snapshot_preview1).
    private enum Errno {
        static let success: UInt32 = 0
        static let fault: UInt32 = 21
        static let readOnly: UInt32 = 69
    }
    /// path_open oflags that create or truncate.
    private static let writingOpenFlags: UInt32 = 1 | 4 | 8  // CREAT | EXCL | TRUNC
    /// Rights that allow changing a file's bytes or size.
    private static let writingRights: UInt64 = 1 << 6 | 1 << 8 | 1 << 19  // FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE

    /// Functions refused outright when the descriptor at one of the argument indexes is read-only.
    private static let mutating: [String: [Int]] = [
        "path_create_directory": [0], "path_filestat_set_times": [0], "path_link": [0, 4],
        "path_remove_directory": [0], "path_rename": [0, 3], "path_symlink": [2], "path_unlink_file": [0],
        "fd_filestat_set_times": [0], "fd_filestat_set_size": [0], "fd_allocate": [0],
        "fd_write": [0], "fd_pwrite": [0],
    ]

    private struct State {
        var readOnly: Set<UInt32>
        /// Descriptors still the captured stdout and stderr (capped by the capture, not counted).
        var stdio: Set<UInt32> = [1, 2]
        var outputBytes: UInt64 = 0
        var exceeded: ExecutionLimitKind?
    }
    private let state: Mutex<State>
    private let outputCap: UInt64

    /// A guard where `readOnlyDescriptor` (the /iexec_in preopen) starts read-only.
    init(readOnlyDescriptor: UInt32, outputCap: UInt64) {
        state = Mutex(State(readOnly: [readOnlyDescriptor]))
        self.outputCap = outputCap
    }

    /// The limit the guest ran into, if it did.
    var exceeded: ExecutionLimitKind? { state.withLock { $0.exceeded } }

    /// Thrown when a module calling WASI exports no memory.
    struct MissingMemoryExport: Error, CustomStringConvertible {
        var description: String { "the module calls WASI but exports no \"memory\"" }
    }

    /// Thrown from a host function to stop the guest at the output cap.
    struct OutputLimitReached: Error {}

    /// Defines `bridge`'s functions, guarded, as imports.
    func link(_ bridge: WASIBridgeToHost, to imports: inout Imports, store: Store) {
        for (name, function) in bridge.hostFunctions(capabilities: WASICapability.all) {
            let body: Function.Implementation = { [self] caller, arguments in
                guard case .memory(let memory) = caller.instance?.export("memory") else {
                    throw MissingMemoryExport()
                }
                return try call(name, function.implementation, memory: memory, arguments: arguments)
            }
            imports.define(module: "wasi_snapshot_preview1", name: name, Function(store: store, type: function.type, body: body))
        }
    }

    private func call(
        _ name: String, _ implementation: @Sendable (Memory, [Value]) throws -> [Value], memory: Memory, arguments: [Value]
    ) throws -> [Value] {
        let readOnly = state.withLock { $0.readOnly }
        if let indexes = Self.mutating[name], indexes.contains(where: { readOnly.contains(u32(arguments, $0)) }) {
            return [.i32(Errno.readOnly)]
        }
        switch name {
        case "path_open":
            let directory = u32(arguments, 0)
            let fromReadOnly = readOnly.contains(directory)
            if fromReadOnly, u32(arguments, 4) & Self.writingOpenFlags != 0 || u64(arguments, 5) & Self.writingRights != 0 {
                return [.i32(Errno.readOnly)]
            }
            let result = try implementation(memory, arguments)
            if fromReadOnly, result.first == .i32(Errno.success), let opened = load32(memory, at: u32(arguments, 8)) {
                state.withLock { _ = $0.readOnly.insert(opened) }
            }
            return result
        case "fd_close":
            let result = try implementation(memory, arguments)
            if result.first == .i32(Errno.success) {
                state.withLock {
                    $0.readOnly.remove(u32(arguments, 0))
                    $0.stdio.remove(u32(arguments, 0))
                }
            }
            return result
        case "fd_renumber":
            let result = try implementation(memory, arguments)
            if result.first == .i32(Errno.success) {
                let (from, to) = (u32(arguments, 0), u32(arguments, 1))
                state.withLock {
                    if $0.readOnly.remove(from) != nil { $0.readOnly.insert(to) } else { $0.readOnly.remove(to) }
                    // A file renumbered onto 1 or 2 is a file: its writes count.
                    if $0.stdio.remove(from) != nil { $0.stdio.insert(to) } else { $0.stdio.remove(to) }
                }
            }
            return result
        case "fd_write" where !state.withLock({ $0.stdio.contains(u32(arguments, 0)) }),
            "fd_pwrite" where !state.withLock({ $0.stdio.contains(u32(arguments, 0)) }):
            guard let requested = iovecBytes(memory, at: u32(arguments, 1), count: u32(arguments, 2)) else {
                return [.i32(Errno.fault)]
            }
            try charge(requested)
            return try implementation(memory, arguments)
        case "fd_filestat_set_size":
            try charge(u64(arguments, 1), growTo: true)
            return try implementation(memory, arguments)
        case "fd_allocate":
            try charge(u64(arguments, 1) &+ u64(arguments, 2), growTo: true)
            return try implementation(memory, arguments)
        default:
            return try implementation(memory, arguments)
        }
    }

    /// Counts `bytes` against the output budget (or checks a file size against it), stopping the
    /// guest before the write when it would go over.
    private func charge(_ bytes: UInt64, growTo: Bool = false) throws {
        let over = state.withLock { state -> Bool in
            let total = growTo ? bytes : state.outputBytes &+ bytes
            guard total <= outputCap, total >= bytes else {
                state.exceeded = .output
                return true
            }
            if !growTo { state.outputBytes = total }
            return false
        }
        if over { throw OutputLimitReached() }
    }

    private func u32(_ arguments: [Value], _ index: Int) -> UInt32 {
        guard arguments.indices.contains(index), case .i32(let value) = arguments[index] else { return .max }
        return value
    }

    private func u64(_ arguments: [Value], _ index: Int) -> UInt64 {
        guard arguments.indices.contains(index), case .i64(let value) = arguments[index] else { return .max }
        return value
    }

    /// A little-endian u32 of guest memory, or nil when out of bounds.
    private func load32(_ memory: Memory, at address: UInt32) -> UInt32? {
        guard UInt64(address) + 4 <= UInt64(memory.byteCount) else { return nil }
        return memory.withUnsafeBufferPointer(offset: UInt(address), count: 4) { $0.loadUnaligned(as: UInt32.self).littleEndian }
    }

    /// The total length of `count` iovecs at `address`, or nil when they are out of bounds.
    private func iovecBytes(_ memory: Memory, at address: UInt32, count: UInt32) -> UInt64? {
        guard UInt64(address) + UInt64(count) * 8 <= UInt64(memory.byteCount) else { return nil }
        var total: UInt64 = 0
        for index in 0..<UInt64(count) {
            guard let length = load32(memory, at: UInt32(UInt64(address) + index * 8 + 4)) else { return nil }
            total += UInt64(length)
        }
        return total
    }
}
