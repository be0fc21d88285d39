import CSecp256k1

extension PublicKey {
    /// SEC1 compressed form: `0x02` (even y) or `0x03` (odd y) ‖ x, 33 bytes, as BIP-32 hashes it.
    public var compressed: [UInt8] {
        // The stored uncompressed form parsed once already, so this parse cannot fail.
        var point = secp256k1_pubkey()
        let context = Secp256k1Context.shared.pointer
        let parsed = secp256k1_ec_pubkey_parse(context, &point, uncompressed, uncompressed.count)
        precondition(parsed == 1, "a PublicKey always holds a valid point")
        var out = [UInt8](repeating: 0, count: 33)
        var length = 33
        _ = secp256k1_ec_pubkey_serialize(context, &out, &length, &point, UInt32(SECP256K1_EC_COMPRESSED))
        return out
    }
}
