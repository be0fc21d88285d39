// libFuzzer entry: raw transaction decoding (all three envelopes) on arbitrary bytes. Accepted
// inputs must re-encode to themselves, and sender recovery must return or throw.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransaction(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let transaction = try? SignedTransaction(raw: bytes) {
        let again = SignedTransaction(transaction: transaction.transaction, signature: transaction.signature)
        precondition(again.rawBytes == bytes, "an accepted transaction does not re-encode to itself")
        _ = try? transaction.sender()
    }
    return 0
}
