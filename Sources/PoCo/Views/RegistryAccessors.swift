import Ethereum

// The ERC-721 views of the three registries, as typed Swift functions. An entry's token id is its
// address as a number, so ids of 2¹⁶⁰ and above never exist.
extension PoCoEngine {
    /// `isRegistered` on the registry of `kind`: an entry of that kind lives at `address`.
    public func isRegistered(_ kind: AssetKind, _ address: Address) -> Bool {
        assetOwner(kind, address) != nil
    }

    /// `ownerOf(tokenId)` on the registry of `kind`.
    ///
    /// - Throws: `nonexistentToken` when no entry of `kind` has that id.
    public func registryOwnerOf(_ kind: AssetKind, tokenId: UInt256) throws(PoCoError) -> Address {
        guard let address = Self.entryAddress(tokenId: tokenId), let owner = assetOwner(kind, address) else {
            throw .nonexistentToken
        }
        return owner
    }

    /// `balanceOf(owner)` on the registry of `kind`: how many of its entries `owner` holds.
    ///
    /// - Throws: `balanceQueryForZeroAddress` for the zero address (OpenZeppelin's ERC-721).
    public func registryBalanceOf(_ kind: AssetKind, owner: Address) throws(PoCoError) -> UInt256 {
        guard owner != .zero else { throw .balanceQueryForZeroAddress }
        return state.uint(.assetBalance(kind, owner: owner))
    }

    /// `totalSupply` on the registry of `kind`: how many entries it holds.
    public func registryTotalSupply(_ kind: AssetKind) -> UInt256 { state.uint(.assetCount(kind)) }

    /// The kind of registry entry that lives at `address`, nil when none does (an account, say).
    /// Where an `eth_call` to an entry is routed to `.appEntry`, `.datasetEntry` or `.workerpoolEntry`.
    public func entryKind(_ address: Address) -> AssetKind? {
        AssetKind.allCases.first { assetOwner($0, address) != nil }
    }

    /// The entry address a token id stands for: its low 160 bits, when nothing is above them.
    static func entryAddress(tokenId: UInt256) -> Address? {
        guard tokenId >> 160 == .zero else { return nil }
        return try? Address(Array(tokenId.bigEndianBytes.suffix(20)))
    }
}
