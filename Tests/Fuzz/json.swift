// libFuzzer entry: the exact JSON parser (orders, typed data and keystores arrive as JSON from
// strangers). Parsing must return or throw, never trap; what it accepts must serialize to text
// that parses back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONValue(parsing: bytes) {
        precondition((try? JSONValue(parsing: value.serialized)) == value, "serialized JSON does not parse back")
    }
    return 0
}
