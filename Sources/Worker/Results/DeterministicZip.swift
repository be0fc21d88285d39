import Foundation

/// A zip of a directory that is the same bytes on every worker: regular files only (sorted by
/// relative path's UTF-8 bytes), stored (no compression), dated 1980-01-01 00:00, mode 0644, no
/// extra fields. Empty directories are not kept. No zip64: each file and the archive stay < 4 GiB.
public enum DeterministicZip {
    /// MS-DOS date of 1980-01-01 (year 0, month 1, day 1); time 00:00:00.
    static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    /// Unix mode 0644 regular file, in the high half of the external attributes.
    static let externalAttributes: UInt32 = UInt32(0o100644) << 16
    /// Version 2.0; made by Unix (3) so the mode is read.
    static let versionNeeded: UInt16 = 20
    static let versionMadeBy: UInt16 = (3 << 8) | 20
    /// Bit 11: names are UTF-8.
    static let flags: UInt16 = 1 << 11

    /// Writes the archive of `directory` to `url` (replacing it).
    public static func write(directory: URL, to url: URL) throws(ResultError) {
        let names: [String]
        do { names = try ResultDigest.regularFiles(under: directory) } catch {
            throw .io(path: directory.path, reason: error.description)
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: url)
        else { throw .io(path: url.path, reason: "cannot create the archive") }
        defer { try? handle.close() }
        var central: [UInt8] = []
        var offset: UInt64 = 0
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                throw .io(path: name, reason: "cannot read it")
            }
            guard data.count < Int(UInt32.max), offset < UInt64(UInt32.max) else { throw .tooLargeForArchive(path: name) }
            let nameBytes = Array(name.utf8)
            let crc = CRC32.checksum(data)
            var local: [UInt8] = []
            local.le32(0x0403_4B50)
            local.le16(versionNeeded); local.le16(flags); local.le16(0)  // stored
            local.le16(0); local.le16(dosDate)
            local.le32(crc); local.le32(UInt32(data.count)); local.le32(UInt32(data.count))
            local.le16(UInt16(nameBytes.count)); local.le16(0)
            local += nameBytes
            central.le32(0x0201_4B50)
            central.le16(versionMadeBy); central.le16(versionNeeded); central.le16(flags); central.le16(0)
            central.le16(0); central.le16(dosDate)
            central.le32(crc); central.le32(UInt32(data.count)); central.le32(UInt32(data.count))
            central.le16(UInt16(nameBytes.count)); central.le16(0); central.le16(0)  // extra, comment
            central.le16(0); central.le16(0); central.le32(externalAttributes)  // disk, internal attributes
            central.le32(UInt32(offset))
            central += nameBytes
            do {
                try handle.write(contentsOf: local)
                try handle.write(contentsOf: data)
            } catch { throw .io(path: url.path, reason: "cannot write the archive (\(error.localizedDescription))") }
            offset += UInt64(local.count + data.count)
        }
        guard offset < UInt64(UInt32.max), names.count < Int(UInt16.max) else { throw .tooLargeForArchive(path: url.path) }
        var end: [UInt8] = []
        end.le32(0x0605_4B50)
        end.le16(0); end.le16(0)
        end.le16(UInt16(names.count)); end.le16(UInt16(names.count))
        end.le32(UInt32(central.count)); end.le32(UInt32(offset))
        end.le16(0)
        do { try handle.write(contentsOf: central + end) } catch {
            throw .io(path: url.path, reason: "cannot write the archive (\(error.localizedDescription))")
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zip uses).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension [UInt8] {
    fileprivate mutating func le16(_ value: UInt16) { append(UInt8(value & 0xFF)); append(UInt8(value >> 8)) }
    fileprivate mutating func le32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
}
