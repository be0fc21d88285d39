import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a password from the controlling terminal with echo off: stdin may carry an order.
enum PasswordPrompt {
    static func ask(prompt: String, confirm: Bool = false) throws -> String {
        let password = try readOnce(prompt: prompt)
        if confirm {
            guard try readOnce(prompt: "Repeat the password: ") == password else {
                throw CLIError("the two passwords differ; nothing was written")
            }
        }
        return password
    }

    private static func readOnce(prompt: String) throws -> String {
        let descriptor = open("/dev/tty", O_RDWR)
        guard descriptor >= 0 else {
            throw CLIError("no --password given and no terminal to ask for one; pass --password")
        }
        defer { close(descriptor) }
        var saved = termios()
        tcgetattr(descriptor, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(descriptor, TCSAFLUSH, &silent)
        defer {
            tcsetattr(descriptor, TCSAFLUSH, &saved)
            _ = write(descriptor, "\n", 1)
        }
        _ = prompt.withCString { write(descriptor, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1, byte != 0x0a, byte != 0x0d {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
