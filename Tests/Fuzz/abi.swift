// libFuzzer entry: ABI decoding of arbitrary bytes against a fixed set of type lists, from flat words
// to PoCo's nested order tuples. Decoding must return or throw, never trap; what it accepts must
// re-encode to the bytes it read.
let fuzzTypeLists: [[ABIType]] = [
    "uint256,bytes,(uint8,string)[]",
    "uint256[][],string[]",
    "(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes)",
    "((address,uint256,uint256,bytes32,address,address,address,bytes32,bytes),uint8,bytes)",
    "bool,int8,bytes7,address[3],(bytes,(string,uint64[2])[])[]",
].map { try! ABIType.parseList($0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzABI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    // The first byte picks the type list; the rest is the encoding.
    let types = fuzzTypeLists[Int(data[0]) % fuzzTypeLists.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if let values = try? ABI.decode(types, from: bytes), let again = try? ABI.encode(values, as: types) {
        // Canonical encodings re-encode to a prefix of the input (trailing bytes are ignored);
        // non-canonical but accepted layouts (aliased offsets) must at least decode to the same values.
        if !bytes.starts(with: again) {
            precondition((try? ABI.decode(types, from: again)) == values, "re-encoding changed the values")
        }
    }
    return 0
}
