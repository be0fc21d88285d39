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

    /// The error for a chunk that failed: names it, says why and how much stays verified.
    private static func rejection(_ mismatch: ChunkVerifier.Mismatch, of id: ContentID, keeping verified: UInt64) -> ClientError {
        .verificationFailed("chunk \(mismatch.index) of \(id): \(mismatch.reason); \(verified) verified bytes kept in the .part file")
    }

    /// Streams the body of `id` from byte `start` into `part`, through `verifier`. On any failure
    /// `part` is cut back to the verified prefix before the error is thrown.
    private func receiveBody(_ id: ContentID, from start: UInt64, into part: LocalFile,
                             verifier: inout ChunkVerifier, durable: Bool) async throws(ClientError) {
        let manifest = verifier.manifest
        let total = manifest.totalLength
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
        var pipeline = VerifyingPipeline(verifier: verifier)
        var offset = start
        var failure: (any Error)?
        await withThrowingTaskGroup(of: ChunkVerifier.self) { group in
            do {
                for try await buffer in response.body {
                    var piece = buffer
                    if skip > 0 {
                        let dropped = Int(min(skip, UInt64(piece.readableBytes)))
                        piece.moveReaderIndex(forwardBy: dropped)
                        skip -= UInt64(dropped)
                    }
                    let room = Int(min(UInt64(piece.readableBytes), total - min(offset, total)))
                    try piece.withUnsafeReadableBytes { raw in
                        try part.write(UnsafeRawBufferPointer(rebasing: raw[..<room]), at: offset)
                    }
                    let before = offset
                    offset += UInt64(piece.readableBytes)
                    if durable, before / Self.flushInterval != offset / Self.flushInterval { part.flushInBackground() }
                    try await pipeline.append(piece, in: &group)
                }
                try await pipeline.finish(in: &group)
            } catch {
                failure = error
                // Keep every chunk that did arrive intact: verify what was received.
                if !(error is ChunkVerifier.Mismatch) { try? await pipeline.finish(in: &group) }
            }
        }
        verifier = pipeline.verifier
        if let mismatch = failure as? ChunkVerifier.Mismatch {
            let kept = ChunkVerifier.offset(ofChunk: mismatch.index, in: manifest)
            try? part.truncate(to: kept)
            throw Self.rejection(mismatch, of: id, keeping: kept)
        }
        if let failure {
            try? part.truncate(to: verifier.verifiedLength)
            if let clientError = failure as? ClientError { throw clientError }
            throw .transport("download of \(id) interrupted after \(verifier.verifiedLength) verified bytes of \(total): \(failure); call download again to resume")
        }
        guard verifier.isComplete else {
            try part.truncate(to: verifier.verifiedLength)
            throw .transport("download of \(id) incomplete: the server sent \(offset) of \(total) bytes; \(verifier.verifiedLength) verified bytes kept, call download again to resume")
        }
    }
}

/// Verification beside the transfer: the receiving loop appends the body's bytes, and each full
/// batch is hashed by a child task while the next batch arrives and is written. Batches are
/// verified one at a time, in order, the verifier's state passing from one to the next, so a
/// bad chunk is found at most two batches after it arrived.
struct VerifyingPipeline {
    typealias Group = ThrowingTaskGroup<ChunkVerifier, any Error>

    /// Bytes handed to the verifying task at once.
    static let batchSize = 1 << 20

    /// The verifier after the batches verified so far.
    private(set) var verifier: ChunkVerifier
    private var batch: [ByteBuffer] = []
    private var batchBytes = 0
    private var pending = false

    init(verifier: ChunkVerifier) {
        self.verifier = verifier
    }

    /// Adds received bytes; a full batch waits for the previous batch's verdict (throwing its
    /// mismatch) and goes to a child task.
    mutating func append(_ piece: ByteBuffer, in group: inout Group) async throws {
        guard piece.readableBytes > 0 else { return }
        batch.append(piece)
        batchBytes += piece.readableBytes
        if batchBytes >= Self.batchSize { try await dispatch(in: &group) }
    }

    /// Verifies everything appended, then checks the end of the blob (`ChunkVerifier.finish`).
    mutating func finish(in group: inout Group) async throws {
        try await dispatch(in: &group)
        try await settle(in: &group)
        try verifier.finish()
    }

    private mutating func dispatch(in group: inout Group) async throws {
        try await settle(in: &group)
        guard !batch.isEmpty else { return }
        let (pieces, start) = (batch, verifier)
        batch = []
        batchBytes = 0
        pending = true
        group.addTask {
            var verifier = start
            for piece in pieces {
                try piece.withUnsafeReadableBytes { raw in try verifier.consume(raw) }
            }
            return verifier
        }
    }

    private mutating func settle(in group: inout Group) async throws {
        guard pending else { return }
        pending = false
        if let next = try await group.next() { verifier = next }
    }
}
