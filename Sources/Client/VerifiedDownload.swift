import AsyncHTTPClient
import Ethereum
import Foundation
import NIOCore
import NIOHTTP1
import Storage

/// What a verified download delivered.
public struct DownloadResult: Hashable, Sendable {
    /// The blob's id (the file's content has it).
    public let id: ContentID
    /// The file's size in bytes.
    public let bytes: UInt64
    /// Where this call started: the verified prefix already held in `FILE.part` (0 for a fresh
    /// download, `bytes` when nothing was left to fetch).
    public let resumedFrom: UInt64

    /// A result from its parts.
    public init(id: ContentID, bytes: UInt64, resumedFrom: UInt64) {
        self.id = id
        self.bytes = bytes
        self.resumedFrom = resumedFrom
    }
}

extension StorageClient {
    /// Downloads blob `id` to `file`, verifying every 256 KiB chunk as it arrives
    /// (docs/storage.md, "Verified download").
    ///
    /// Fetches the manifest and checks it rebuilds `id`, then streams the body into `FILE.part`,
    /// hashing each chunk as its bytes come. At the first bad chunk it stops, cuts `FILE.part`
    /// back to the chunks verified before it and throws `verificationFailed` naming the chunk. A
    /// broken connection keeps the verified prefix too; the next call checks the chunks in
    /// `FILE.part` again and asks only for the rest (`Range`). `file` appears only complete
    /// and verified (renamed from `FILE.part`).
    ///
    /// - Parameter durable: flush the file to the disk (fsync) before renaming it, so that it
    ///   survives a power loss as soon as this returns (what a worker keeping inputs wants).
    ///   Without, the bytes are verified just the same but the kernel writes them back when it
    ///   chooses, as curl or wget leave a download.
    public func download(_ id: ContentID, to file: URL, durable: Bool = true) async throws(ClientError) -> DownloadResult {
        let manifest = try await manifest(of: id)
        let target = file.path(percentEncoded: false)
        let partPath = target + ".part"
        let part = try LocalFile.openForUpdate(partPath)
        defer { part.close() }
        let resumedFrom = try verifiedPrefix(of: part, manifest: manifest)
        var verifier = ChunkVerifier(manifest: manifest, firstChunk: resumedFrom.chunks)
        if !verifier.isComplete {
            try await receiveBody(id, from: resumedFrom.bytes, into: part, verifier: &verifier, durable: durable)
        }
        try part.truncate(to: manifest.totalLength)
        if durable { try part.sync() }
        try LocalFile.rename(partPath, to: target)
        return DownloadResult(id: id, bytes: manifest.totalLength, resumedFrom: resumedFrom.bytes)
    }

    /// Fetches the manifest of `id` and checks that it rebuilds the id.
    public func manifest(of id: ContentID) async throws(ClientError) -> ChunkManifest {
        let what = "get the manifest of \(id)"
        let response = try await send(.GET, url(of: id, "/manifest"), headers: signedHeaders("GET", id))
        try await Self.expect(response, statuses: [.ok], doing: what)
        // 69 bytes of JSON per leaf: 64 MiB is enough for blobs of about 240 GiB.
        let body = try await Self.decode(response, as: ManifestBody.self, limit: 64 << 20, doing: what)
        guard body.cid == id.description else { throw .invalidResponse("\(what): the server answered the manifest of \(body.cid)") }
        guard body.chunkSize == ChunkTree.chunkSize else {
            throw .invalidResponse("\(what): chunk size \(body.chunkSize), this client knows only \(ChunkTree.chunkSize)")
        }
        var leaves: [[UInt8]] = []
        leaves.reserveCapacity(body.leaves.count)
        for (index, text) in body.leaves.enumerated() {
            guard let leaf = try? Hex.decode(text, count: 32) else {
                throw .invalidResponse("\(what): leaf \(index) is not 32 bytes of 0x-hex")
            }
            leaves.append(leaf)
        }
        do { return try ChunkManifest(id: id, totalLength: body.size, leaves: leaves) } catch {
            throw .verificationFailed("manifest of \(id) (\(body.size) bytes, \(leaves.count) leaves): \(error)")
        }
    }

    private struct ManifestBody: Decodable {
        let cid: String
        let size: UInt64
        let chunkSize: Int
        let leaves: [String]
    }

    /// Checks the chunks already in `part` from the start, keeps the run that matches and cuts
    /// the file after it (a crash may have left unverified bytes there, or another blob's).
    private func verifiedPrefix(of part: LocalFile, manifest: ChunkManifest) throws(ClientError) -> (chunks: Int, bytes: UInt64) {
        let held = try part.size()
        var verifier = ChunkVerifier(manifest: manifest)
        var buffer: [UInt8] = []
        var chunk = 0
        while chunk < manifest.chunkCount, held > 0 {
            guard let range = ChunkTree.chunkRange(index: chunk, totalLength: manifest.totalLength),
                  range.upperBound <= held else { break }
            let length = Int(range.upperBound - range.lowerBound)
            guard try part.read(into: &buffer, count: length, at: range.lowerBound) == length else { break }
            do {
                try buffer.withUnsafeBytes { raw in try verifier.consume(UnsafeRawBufferPointer(rebasing: raw[..<length])) }
                try verifier.finish()
            } catch { break }
            chunk = verifier.index
        }
        let bytes = ChunkVerifier.offset(ofChunk: chunk, in: manifest)
        if held != bytes { try part.truncate(to: bytes) }
        return (chunk, bytes)
    }

    /// Bytes received between two background flushes of `FILE.part` (the final fsync then has
    /// at most about this much left to write).
    static let flushInterval: UInt64 = 32 << 20

    /// Writes the next bytes of the body at `offset` (never past the blob's end), then checks
    /// them; a bad chunk is a `verificationFailed` naming it.
    private static func append(_ bytes: UnsafeRawBufferPointer, at offset: UInt64, to part: LocalFile,
                               verifier: inout ChunkVerifier, id: ContentID) throws(ClientError) {
        let total = verifier.manifest.totalLength
        let room = Int(min(UInt64(bytes.count), total - min(offset, total)))
        try part.write(UnsafeRawBufferPointer(rebasing: bytes[..<room]), at: offset)
        do { try verifier.consume(bytes) } catch { throw rejection(error, of: id, keeping: verifier.verifiedLength) }
    }

    /// The error for a chunk that failed: names it, says why and how much stays verified.
    private static func rejection(_ mismatch: ChunkVerifier.Mismatch, of id: ContentID, keeping verified: UInt64) -> ClientError {
        .verificationFailed("chunk \(mismatch.index) of \(id): \(mismatch.reason); \(verified) verified bytes kept in the .part file")
    }

    /// Streams the body of `id` from byte `start` into `part`, through `verifier`. On any failure
    /// `part` is cut back to the verified prefix before the error is thrown.
    private func receiveBody(_ id: ContentID, from start: UInt64, into part: LocalFile,
                             verifier: inout ChunkVerifier, durable: Bool) async throws(ClientError) {
        let total = verifier.manifest.totalLength
        var headers = signedHeaders("GET", id)
        if start > 0 { headers.add(name: "Range", value: "bytes=\(start)-") }
        let response = try await send(.GET, url(of: id), headers: headers)
        try await Self.expect(response, statuses: [.ok, .partialContent], doing: "download \(id)")
        // A server that ignores Range sends the whole blob: skip what is already verified.
        var skip = response.status == .ok ? start : 0
        if response.status == .partialContent {
            let expected = "bytes \(start)-\(total - 1)/\(total)"
            guard response.headers.first(name: "Content-Range") == expected else {
                throw .invalidResponse("download \(id): Content-Range is \(response.headers.first(name: "Content-Range") ?? "missing"), expected \(expected)")
            }
        }
        var offset = start
        do {
            for try await buffer in response.body {
                var piece = buffer
                if skip > 0 {
                    let dropped = Int(min(skip, UInt64(piece.readableBytes)))
                    piece.moveReaderIndex(forwardBy: dropped)
                    skip -= UInt64(dropped)
                }
                try piece.withUnsafeReadableBytes { raw in
                    try Self.append(raw, at: offset, to: part, verifier: &verifier, id: id)
                }
                let before = offset
                offset += UInt64(piece.readableBytes)
                if durable, before / Self.flushInterval != offset / Self.flushInterval { part.flushInBackground() }
            }
            do { try verifier.finish() } catch { throw Self.rejection(error, of: id, keeping: verifier.verifiedLength) }
        } catch {
            try? part.truncate(to: verifier.verifiedLength)
            if let clientError = error as? ClientError { throw clientError }
            throw .transport("download of \(id) interrupted after \(verifier.verifiedLength) verified bytes of \(total): \(error); call download again to resume")
        }
        guard verifier.isComplete else {
            try part.truncate(to: verifier.verifiedLength)
            throw .transport("download of \(id) incomplete: the server sent \(offset) of \(total) bytes; \(verifier.verifiedLength) verified bytes kept, call download again to resume")
        }
    }
}
