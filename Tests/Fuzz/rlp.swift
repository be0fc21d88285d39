// libFuzzer entry: the strict RLP decoder on arbitrary bytes. It must return or throw, never trap,
// and whatever it accepts must re-encode to exactly the input (canonical form is unique).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRLP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let item = try? RLP.decode(bytes) {
        precondition(RLP.encode(item) == bytes, "an accepted RLP input does not re-encode to itself")
    }
    return 0
}
