/// Keccak-256 as Ethereum uses it: the original Keccak padding (`0x01 … 0x80`), not FIPS 202's
/// SHA3-256 (`0x06`). Use `Keccak256.hash(_:)` for one message, or `update`/`finalize` to stream.
public struct Keccak256: Sendable {
    /// Bytes absorbed per permutation: 1600 − 2·256 bits.
    public static let rate = 136
    static let rateLanes = rate / 8

    private var lanes = [UInt64](repeating: 0, count: 25)
    private var buffer = [UInt8]()

    /// A hasher with nothing absorbed yet.
    public init() {
        buffer.reserveCapacity(Self.rate)
    }

    /// The Keccak-256 digest of `bytes`.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Hash32 where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ oneShot(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { oneShot($0) }
    }

    /// One-shot hashing with the state on the stack: no heap traffic but the digest itself, which
    /// matters for the many short messages (order hashes, ids, addresses) the protocol hashes.
    static func oneShot(_ message: UnsafeRawBufferPointer) -> Hash32 {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25 + rateLanes) { scratch in
            let state = scratch.baseAddress!
            state.initialize(repeating: 0, count: 25 + rateLanes)
            var offset = 0
            while message.count - offset >= rate {
                for lane in 0..<rateLanes {
                    state[lane] ^= UInt64(littleEndian: message.loadUnaligned(fromByteOffset: offset + lane * 8, as: UInt64.self))
                }
                permute(state)
                offset += rate
            }
            // The last, padded block is assembled in the lanes after the state.
            let block = UnsafeMutableRawPointer(state + 25)
            let tail = message.count - offset
            if tail > 0 {
                block.copyMemory(from: message.baseAddress! + offset, byteCount: tail)
            }
            block.storeBytes(of: 0x01, toByteOffset: tail, as: UInt8.self)
            let lastByte = block.load(fromByteOffset: rate - 1, as: UInt8.self)
            block.storeBytes(of: lastByte | 0x80, toByteOffset: rate - 1, as: UInt8.self)
            for lane in 0..<rateLanes {
                state[lane] ^= UInt64(littleEndian: block.load(fromByteOffset: lane * 8, as: UInt64.self))
            }
            permute(state)
            let digest = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
                for lane in 0..<4 {
                    UnsafeMutableRawPointer(buffer.baseAddress! + lane * 8).storeBytes(of: state[lane].littleEndian, as: UInt64.self)
                }
                count = 32
            }
            return Hash32(uncheckedBytes: digest)
        }
    }

    /// The Keccak-256 digest of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> Hash32 {
        hash(Array(text.utf8))
    }

    /// Absorbs more of the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { absorb($0) }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { absorb($0) }
        }
    }

    private mutating func absorb(_ input: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        if !buffer.isEmpty {
            let take = min(Self.rate - buffer.count, input.count)
            buffer.append(contentsOf: input[0..<take])
            offset = take
            guard buffer.count == Self.rate else { return }
            buffer.withUnsafeBytes { block in absorbBlocks(UnsafeRawBufferPointer(block)) }
            buffer.removeAll(keepingCapacity: true)
        }
        let fullBytes = (input.count - offset) / Self.rate * Self.rate
        if fullBytes > 0, let base = input.baseAddress {
            absorbBlocks(UnsafeRawBufferPointer(start: base + offset, count: fullBytes))
            offset += fullBytes
        }
        buffer.append(contentsOf: input[offset...])
    }

    /// XORs each whole `rate`-byte block into the state and permutes.
    private mutating func absorbBlocks(_ blocks: UnsafeRawBufferPointer) {
        lanes.withUnsafeMutableBufferPointer { state in
            let lanePointer = state.baseAddress!
            var blockStart = 0
            while blockStart < blocks.count {
                for lane in 0..<Self.rateLanes {
                    lanePointer[lane] ^= UInt64(
                        littleEndian: blocks.loadUnaligned(fromByteOffset: blockStart + lane * 8, as: UInt64.self))
                }
                Self.permute(lanePointer)
                blockStart += Self.rate
            }
        }
    }

    /// Pads, permutes and returns the digest. The hasher is spent afterwards.
    public mutating func finalize() -> Hash32 {
        var last = buffer
        last.append(0x01)
        last.append(contentsOf: repeatElement(0, count: Self.rate - last.count))
        last[Self.rate - 1] |= 0x80
        last.withUnsafeBytes { absorbBlocks($0) }
        buffer.removeAll()
        var digest = [UInt8]()
        digest.reserveCapacity(32)
        for lane in lanes[0..<4] {
            withUnsafeBytes(of: lane.littleEndian) { digest.append(contentsOf: $0) }
        }
        return Hash32(uncheckedBytes: digest)
    }
}
