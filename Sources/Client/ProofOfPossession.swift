import AsyncHTTPClient
import Foundation
import Ethereum
import NIOCore
import NIOHTTP1
import Storage

extension StorageClient {
    /// Proof of possession: asks the server for `samples` chunks of `id` at random indices and
    /// checks each with its Merkle proof against the id (docs/storage.md, `/chunks/{index}`).
    /// Returns the indices checked (all of them when `samples` is at least the chunk count).
    ///
    /// Throws `verificationFailed` naming the first index the server could not produce or whose
    /// bytes or proof do not lead to `id`. The blob's length comes from the server, but a proof
    /// commits to it, so lying about it only makes the proofs fail.
    @discardableResult
    public func challenge(_ id: ContentID, samples: Int) async throws(ClientError) -> [Int] {
        var generator = SystemRandomNumberGenerator()
        return try await challenge(id, samples: samples, using: &generator)
    }

    /// ``challenge(_:samples:)`` drawing the indices from `generator` (tests make it repeatable).
    @discardableResult
    public func challenge(_ id: ContentID, samples: Int,
                          using generator: inout some RandomNumberGenerator) async throws(ClientError) -> [Int] {
        let size = try await size(of: id)
        let count = ChunkTree.chunkCount(totalLength: size)
        let indices = Self.sample(samples, of: count, using: &generator)
        for index in indices {
            try await checkChunk(id, index: index, size: size)
        }
        return indices
    }

    /// `samples` distinct indices in `0..<count`, sorted (all of them when `samples ≥ count`).
    static func sample(_ samples: Int, of count: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        guard samples < count else { return Array(0..<count) }
        var chosen = Set<Int>()
        while chosen.count < max(0, samples) {
            chosen.insert(Int.random(in: 0..<count, using: &generator))
        }
        return chosen.sorted()
    }

    /// The blob's length as the server states it (`HEAD`, `X-Iexec-Size`).
    func size(of id: ContentID) async throws(ClientError) -> UInt64 {
        let response = try await send(.HEAD, url(of: id), headers: signedHeaders("GET", id))
        try await Self.expect(response, statuses: [.ok], doing: "get the size of \(id)")
        guard let text = response.headers.first(name: "X-Iexec-Size"), let size = UInt64(text) else {
            throw .invalidResponse("HEAD \(id): no X-Iexec-Size header with the blob's length")
        }
        return size
    }

    private func checkChunk(_ id: ContentID, index: Int, size: UInt64) async throws(ClientError) {
        let failure = "chunk \(index) of \(id)"
        let response = try await send(.GET, url(of: id, "/chunks/\(index)"), headers: signedHeaders("GET", id))
        if response.status == .unauthorized || response.status == .forbidden {
            try await Self.expect(response, statuses: [.ok], doing: "challenge \(failure)")
        }
        do {
            try await Self.expect(response, statuses: [.ok], doing: "challenge")
        } catch {
            throw .verificationFailed("\(failure): the server did not produce it (\(error))")
        }
        guard response.headers.first(name: "X-Iexec-Size") == String(size) else {
            throw .verificationFailed("\(failure): X-Iexec-Size is \(response.headers.first(name: "X-Iexec-Size") ?? "missing"), the blob has \(size) bytes")
        }
        var siblings: [[UInt8]] = []
        for text in (response.headers.first(name: "X-Iexec-Proof") ?? "").split(separator: ",") {
            guard let sibling = try? Hex.decode(text.trimmingCharacters(in: .whitespaces), count: 32) else {
                throw .verificationFailed("\(failure): the proof holds \(text.prefix(80)), not a 32-byte 0x-hex hash")
            }
            siblings.append(sibling)
        }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: ChunkTree.chunkSize) } catch {
            throw .verificationFailed("\(failure): reading the chunk failed: \(error)")
        }
        do {
            try ChunkProof(index: index, totalLength: size, siblings: siblings).verify(chunk: Array(body.readableBytesView), against: id)
        } catch {
            throw .verificationFailed("\(failure): \(error)")
        }
    }
}
