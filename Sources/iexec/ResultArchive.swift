import Ethereum
import Foundation
import Worker

/// A task's result as a worker uploads it: the deterministic zip of its output directory
/// (`DeterministicZip`: stored entries, no compression). Unpacked here without any external tool,
/// and checked against the on-chain result digest the way the worker computed it.
enum ResultArchive {
    /// Why an archive cannot be unpacked.
    enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case malformed(String)
        case unsafeName(String)
        case unsupported(String)
        case io(String)

        var description: String {
            switch self {
            case .malformed(let why): "the result archive is not a valid zip (\(why)): it was not written by a worker"
            case .unsafeName(let name): "the result archive holds an entry named \(name), which would land outside the folder: refused"
            case .unsupported(let why): "the result archive uses \(why), which a worker's archive never does: refused"
            case .io(let why): "cannot write the result: \(why)"
            }
        }
    }

    /// Unpacks the stored zip `archive` into `directory` (which must exist); the relative paths written.
    static func unpack(_ archive: Data, into directory: URL) throws(Failure) -> [String] {
        let bytes = [UInt8](archive)
        let end = try endOfCentralDirectory(bytes)
        let count = Int(read16(bytes, end + 10))
        var position = Int(read32(bytes, end + 16))
        var written: [String] = []
        for _ in 0..<count {
            guard position + 46 <= bytes.count, read32(bytes, position) == 0x0201_4B50 else {
                throw .malformed("bad central directory entry")
            }
            let method = read16(bytes, position + 10)
            let crc = read32(bytes, position + 16)
            let size = Int(read32(bytes, position + 20))
            let uncompressed = Int(read32(bytes, position + 24))
            let nameLength = Int(read16(bytes, position + 28))
            let skip = Int(read16(bytes, position + 30)) + Int(read16(bytes, position + 32))
            let local = Int(read32(bytes, position + 42))
            guard position + 46 + nameLength <= bytes.count else { throw .malformed("truncated entry name") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            position += 46 + nameLength + skip
            guard method == 0, size == uncompressed else { throw .unsupported("compression (method \(method))") }
            let parts = try safeComponents(name)
            if name.hasSuffix("/") {
                try createDirectory(parts.reduce(directory) { $0.appendingPathComponent($1) })
                continue
            }
            guard local + 30 <= bytes.count, read32(bytes, local) == 0x0403_4B50 else { throw .malformed("bad local header of \(name)") }
            let start = local + 30 + Int(read16(bytes, local + 26)) + Int(read16(bytes, local + 28))
            guard start + size <= bytes.count else { throw .malformed("\(name) is truncated") }
            let content = Data(bytes[start..<(start + size)])
            guard checksum(content) == crc else { throw .malformed("\(name) fails its CRC-32") }
            let file = parts.reduce(directory) { $0.appendingPathComponent($1) }
            try createDirectory(file.deletingLastPathComponent())
            guard !FileManager.default.fileExists(atPath: file.path) else { throw .malformed("\(name) appears twice") }
            do { try content.write(to: file) } catch { throw .io("\(file.path): \(error.localizedDescription)") }
            written.append(parts.joined(separator: "/"))
        }
        return written.sorted()
    }

    /// The digest the worker contributed for the output directory `directory`: that of what
    /// computed.json names (or of its callback data), or, for an error result, of error.json.
    static func digest(of directory: URL) throws -> Hash32 {
        let computed = directory.appendingPathComponent(ResultDigest.computedFileName)
        let errorFile = directory.appendingPathComponent(ResultPackage.errorFileName)
        do {
            if FileManager.default.fileExists(atPath: computed.path) {
                return try ResultDigest.computed(in: directory).digest
            }
            if FileManager.default.fileExists(atPath: errorFile.path) {
                return try ResultDigest.digest(of: errorFile)
            }
        } catch {
            throw CLIError("the downloaded result is not a valid result (\(error)): refused, nothing written")
        }
        throw CLIError("the downloaded result has neither computed.json nor error.json: refused, nothing written")
    }

    /// The path's components, refusing absolute paths, `..`, `.`, backslashes and empty names.
    private static func safeComponents(_ name: String) throws(Failure) -> [String] {
        let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0"), !parts.isEmpty,
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw .unsafeName(name)
        }
        return parts
    }

    private static func createDirectory(_ url: URL) throws(Failure) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw .io("\(url.path): \(error.localizedDescription)")
        }
    }

    /// The End Of Central Directory record's offset (searched from the end, past any comment).
    private static func endOfCentralDirectory(_ bytes: [UInt8]) throws(Failure) -> Int {
        guard bytes.count >= 22 else { throw .malformed("too short") }
        var offset = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while offset >= lowest {
            if read32(bytes, offset) == 0x0605_4B50 { return offset }
            offset -= 1
        }
        throw .malformed("no end of central directory")
    }

    private static func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }

    /// CRC-32 (IEEE), as zip stores it.
    static func checksum(_ data: Data) -> UInt32 {
        ~data.reduce(~UInt32(0)) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
}
