import Chain
import Ethereum
import PoCo
import Testing

/// `PoCoBinding.encodeCall` is the inverse of `decodeCall` for every state-changing function, and
/// its calldata is the ABI encoding of the function's signature (checked against eth-abi).
@Suite struct CallEncodingTests {
    static let config = Fixtures.config

    @Test(arguments: CallRoundTripTests.cases) func decodesBackToTheCall(_ item: CallRoundTripTests.Case) throws {
        let (to, data) = PoCoBinding.encodeCall(item.expected, config: Self.config)
        #expect(to == item.to)
        #expect(try PoCoBinding.decodeCall(to: to, data: data, config: Self.config) == item.expected)
    }

    @Test(arguments: CallRoundTripTests.cases) func matchesTheSignaturesCalldata(_ item: CallRoundTripTests.Case) throws {
        // The three ERC-721 transfer functions decode to one call, which encodes as transferFrom.
        guard !item.signature.hasPrefix("safeTransferFrom") else { return }
        let expected = try ABIFunction(item.signature).encodeCall(item.arguments)
        #expect(PoCoBinding.encodeCall(item.expected, config: Self.config).data == expected)
    }

    @Test func anAssetTransferEncodesAsTheRegistrysTransferFrom() throws {
        let call = PoCoCall.registry(.transferAsset(kind: .dataset, from: Fixtures.alice, to: Fixtures.bob,
                                                    asset: Fixtures.bob))
        let (to, data) = PoCoBinding.encodeCall(call, config: Self.config)
        #expect(to == Self.config.datasetRegistry)
        #expect(Array(data.prefix(4)) == ABI.selector("transferFrom(address,address,uint256)"))
    }

    /// Calldata computed with Python's eth-abi 5 (`eth_utils.keccak(text=sig)[:4] + eth_abi.encode(types, args)`).
    @Test func matchesEthABI() {
        let h1 = Hash32(repeating: 0x11), h3 = Hash32(repeating: 0x33), h4 = Hash32(repeating: 0x44)
        let owner = try! Address(hex: "0x" + String(repeating: "22", count: 20))
        let vectors: [(PoCoCall, String)] = [
            (.lifecycle(.initialize(dealid: h1, index: 3)),
             "0x5b36c66b1111111111111111111111111111111111111111111111111111111111111111"
                + "0000000000000000000000000000000000000000000000000000000000000003"),
            (.registry(.createWorkerpool(owner: owner, description: "pool")),
             "0xe40238f40000000000000000000000002222222222222222222222222222222222222222"
                + "0000000000000000000000000000000000000000000000000000000000000040"
                + "0000000000000000000000000000000000000000000000000000000000000004"
                + "706f6f6c00000000000000000000000000000000000000000000000000000000"),
            (.escrow(.withdraw(amount: 1000)),
             "0x2e1a7d4d00000000000000000000000000000000000000000000000000000000000003e8"),
            (.lifecycle(.claimArray(taskids: [h1, h3])),
             "0xfa055d7e0000000000000000000000000000000000000000000000000000000000000020"
                + "0000000000000000000000000000000000000000000000000000000000000002"
                + "1111111111111111111111111111111111111111111111111111111111111111"
                + "3333333333333333333333333333333333333333333333333333333333333333"),
            (.lifecycle(.reveal(taskid: h1, resultDigest: h4)),
             "0xfc334e8c1111111111111111111111111111111111111111111111111111111111111111"
                + "4444444444444444444444444444444444444444444444444444444444444444"),
        ]
        for (call, hex) in vectors {
            #expect(Hex.encode(PoCoBinding.encodeCall(call, config: Self.config).data) == hex)
        }
    }
}

extension Hash32 {
    /// A hash of 32 equal bytes.
    init(repeating byte: UInt8) {
        // 32 bytes: cannot fail.
        try! self.init([UInt8](repeating: byte, count: 32))
    }
}
