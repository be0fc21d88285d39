import Ethereum
import Foundation
import Storage

/// What the storage client's tests share: keys, a fixed clock, blobs, temporary files.
enum StorageFixture {
    /// Signs the servers' receipts.
    static let serverKey = try! PrivateKey(hex: "0x" + String(repeating: "4b", count: 32))
    /// The client's key: uploads, and reads of its private blobs.
    static let clientKey = try! PrivateKey(hex: "0x" + String(repeating: "5c", count: 32))
    /// Someone who is no reader.
    static let otherKey = try! PrivateKey(hex: "0x" + String(repeating: "6d", count: 32))
    /// The clock of clients and servers (unix seconds).
    static let now: UInt64 = 1_700_000_000
    /// 256 KiB.
    static let chunk = ChunkTree.chunkSize

    /// A blob of `count` bytes, byte i = (i · 7 + i / 251) mod 256: no two chunks alike.
    static func blob(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 251) }
    }

    /// A fresh empty directory under the system's temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("client-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The bytes of the file at `url`, or nil when it does not exist.
    static func contents(_ url: URL) -> [UInt8]? {
        FileManager.default.contents(atPath: url.path(percentEncoded: false)).map { Array($0) }
    }
}
