import Ethereum

/// Deterministic pseudo-random bytes shared with the Python scripts that computed the reference
/// values: the concatenation of keccak256("label:0"), keccak256("label:1"), … cut to `count`.
/// Re-deriving the inputs here lets a test paste only the reference outputs.
enum ReferenceBytes {
    static func make(_ label: String, _ count: Int) -> [UInt8] {
        var out = [UInt8]()
        var block = 0
        while out.count < count {
            out += Keccak256.hash("\(label):\(block)").bytes
            block += 1
        }
        return Array(out.prefix(count))
    }
}
