import Ethereum

/// WAT modules calling WASI directly, so a test controls exactly what the guest asks for.
enum WasiModules {
    static let imports = """
          (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        """

    /// Writes its environment ("K=V\\0"…) to stdout and its argv ("a\\0"…) to stderr.
    static let environmentAndArguments = """
        (module
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_get" (func $env_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (drop (call $env_sizes (i32.const 0) (i32.const 4)))
            (drop (call $env_get (i32.const 1024) (i32.const 8192)))
            (i32.store (i32.const 16) (i32.const 8192))
            (i32.store (i32.const 20) (i32.load (i32.const 4)))
            (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
            (drop (call $args_sizes (i32.const 0) (i32.const 4)))
            (drop (call $args_get (i32.const 2048) (i32.const 32768)))
            (i32.store (i32.const 16) (i32.const 32768))
            (i32.store (i32.const 20) (i32.load (i32.const 4)))
            (drop (call $write (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 24)))))
        """

    /// Exits with the errno of one path_open (0: it opened).
    static func pathOpen(descriptor: Int, path: String, oflags: Int, rights: Int) -> String {
        """
        (module \(imports)
          (memory (export "memory") 1)
          (data (i32.const 256) "\(path)")
          (func (export "_start")
            (call $exit (call $open (i32.const \(descriptor)) (i32.const 0) (i32.const 256) (i32.const \(path.utf8.count))
              (i32.const \(oflags)) (i64.const \(rights)) (i64.const 0) (i32.const 0) (i32.const 512)))))
        """
    }

    /// Opens `directory` under /iexec_in (fd 3), then tries to create `file` in it: exits with the
    /// second errno (100 + errno when the directory did not open).
    static func createThroughSubdirectory(directory: String, file: String) -> String {
        """
        (module \(imports)
          (memory (export "memory") 1)
          (data (i32.const 256) "\(directory)")
          (data (i32.const 384) "\(file)")
          (func (export "_start") (local $err i32)
            (local.set $err (call $open (i32.const 3) (i32.const 0) (i32.const 256) (i32.const \(directory.utf8.count))
              (i32.const 2) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 512)))
            (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
            (call $exit (call $open (i32.load (i32.const 512)) (i32.const 0) (i32.const 384) (i32.const \(file.utf8.count))
              (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 516)))))
        """
    }

    /// Exits with the errno of unlinking `path` in /iexec_in.
    static func unlinkInput(_ path: String) -> String {
        """
        (module \(imports)
          (memory (export "memory") 1)
          (data (i32.const 256) "\(path)")
          (func (export "_start")
            (call $exit (call $unlink (i32.const 3) (i32.const 256) (i32.const \(path.utf8.count))))))
        """
    }

    /// Loops forever.
    static let loopForever = #"(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))"#

    /// Grows its memory until refused, then traps.
    static let growForever = """
        (module (memory (export "memory") 1)
          (func (export "_start")
            (loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
            unreachable))
        """

    /// Creates /iexec_out/big.bin and writes 64 KiB blocks to it until a write fails (exit 3);
    /// `throughStdout`: after renumbering the file onto descriptor 1.
    static func writeForever(throughStdout: Bool = false) -> String {
        """
        (module \(imports)
          (import "wasi_snapshot_preview1" "fd_renumber" (func $renumber (param i32 i32) (result i32)))
          (memory (export "memory") 2)
          (data (i32.const 256) "big.bin")
          (func (export "_start") (local $fd i32) (local $err i32)
            (local.set $err (call $open (i32.const 4) (i32.const 0) (i32.const 256) (i32.const 7)
              (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 512)))
            (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
            (local.set $fd (i32.load (i32.const 512)))
            \(throughStdout ? "(drop (call $renumber (local.get $fd) (i32.const 1))) (local.set $fd (i32.const 1))" : "")
            (i32.store (i32.const 600) (i32.const 65536))
            (i32.store (i32.const 604) (i32.const 65536))
            (loop $l
              (local.set $err (call $write (local.get $fd) (i32.const 600) (i32.const 1) (i32.const 620)))
              (br_if $l (i32.eqz (local.get $err))))
            (call $exit (i32.const 3))))
        """
    }
}

/// Fixed ids for tests.
enum Hash32Fixture {
    static func task() throws -> Hash32 {
        try Hash32(hex: "0xd94b63fc2d3ec4b96daf84b403bbafdc8c8517e8e2addd51fec0fa4e67801be8")
    }
}
