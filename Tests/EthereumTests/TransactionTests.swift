import BigInt
import Foundation
import Ethereum
import Testing

/// Transactions signed by eth-account 0.14 (`Account.sign_transaction`) in /work/venv: raw bytes,
/// hash, r, s, v and the key's address, pasted here verbatim. `pattern(n)` is the data bytes
/// `(i·7 + 3) mod 256`, generated the same way on the Python side.
private let vectors: [Vector] = [
    Vector(
        name: "eip155Example", key: "0x4646464646464646464646464646464646464646464646464646464646464646",
        transaction: .legacy(LegacyTransaction(
            nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
            to: address("0x3535353535353535353535353535353535353535"), value: 1_000_000_000_000_000_000, data: [], chainId: 1)),
        raw: """
            0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61\
            340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555\
            c9f3dc64214b297fb1966a3b6d83
            """,
        hash: "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788",
        r: "0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276",
        s: "0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83",
        v: "0x25", sender: "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"),
    Vector(
        name: "legacyChain134", key: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        transaction: .legacy(LegacyTransaction(
            nonce: 0, gasPrice: 1, gasLimit: 21_000,
            to: address("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"), value: 0, data: [], chainId: 134)),
        raw: """
            0xf861800182520894d8da6bf26964af9d7eed9e03e53415d37aa96045808082012fa0f6fe49f8837dcecded5f08b0aaa4\
            37cefb2d8dcd8398c9dd38e825bde24f13d7a059ffc53ed896975752d440e87216f60784245938efd88fc1c74c216a59\
            fc1700
            """,
        hash: "0xd40d9351ef0a2922bf16e6929927ea0e782ba95be9728e1a48d8f38662f26263",
        r: "0xf6fe49f8837dcecded5f08b0aaa437cefb2d8dcd8398c9dd38e825bde24f13d7",
        s: "0x59ffc53ed896975752d440e87216f60784245938efd88fc1c74c216a59fc1700",
        v: "0x012f", sender: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"),
    Vector(
        name: "legacyBigChainCreate", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        transaction: .legacy(LegacyTransaction(
            nonce: 18_446_744_073_709_551_615, gasPrice: .max, gasLimit: 18_446_744_073_709_551_615,
            to: nil, value: .max, data: pattern(300), chainId: 4_294_967_303)),
        raw: """
            0xf901cc88ffffffffffffffffa0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff88ffff\
            ffffffffffff80a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffb9012c030a11181f\
            262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f\
            767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bf\
            c6cdd4dbe2e9f0f7fe050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f\
            161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff6fd040b121920272e353c434a51585f\
            666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f900070e151c232a31383f464d545b626970777e858c939aa1a8af\
            b6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff\
            060d141b222930850200000031a09e2acfa6b974ed75e6715a58e9f25a30631d72e4ab1c87790b8a3139c44f3b51a06d\
            dfba2e57c21179b65793289221eef8300104d1dc598d85f42e9d50c26ea7d0
            """,
        hash: "0xaebdea0a9fb92a373e41d161847c3085b62cfbeb93d8b7542b717dbfcf8cbff4",
        r: "0x9e2acfa6b974ed75e6715a58e9f25a30631d72e4ab1c87790b8a3139c44f3b51",
        s: "0x6ddfba2e57c21179b65793289221eef8300104d1dc598d85f42e9d50c26ea7d0",
        v: "0x0200000031", sender: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
    Vector(
        name: "legacyMaxChain", key: "0x0000000000000000000000000000000000000000000000000000000000000001",
        transaction: .legacy(LegacyTransaction(
            nonce: 1, gasPrice: 7, gasLimit: 100_000,
            to: address("0x3535353535353535353535353535353535353535"), value: 1, data: pattern(3), chainId: 18_446_744_073_709_551_615)),
        raw: """
            0xf86c0107830186a09435353535353535353535353535353535353535350183030a1189020000000000000022a0b637e2\
            1bf079620bf29358af12a9a74be10fdcce82a83ba953f2f0408860f965a05ceff8851a7dce0b749042d14db9a757eeeb\
            66d79001e7be77e678fd0b1cce3c
            """,
        hash: "0x64dd4ee68e436a2cb57e690dbf28f33e6a25c70fd9156eecc3af09cc5e6fa470",
        r: "0xb637e21bf079620bf29358af12a9a74be10fdcce82a83ba953f2f0408860f965",
        s: "0x5ceff8851a7dce0b749042d14db9a757eeeb66d79001e7be77e678fd0b1cce3c",
        v: "0x020000000000000022", sender: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"),
    Vector(
        name: "legacyPre155", key: "0x0000000000000000000000000000000000000000000000000000000000000001",
        transaction: .legacy(LegacyTransaction(
            nonce: 5, gasPrice: 1_000_000_000, gasLimit: 50_000,
            to: address("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"), value: 1, data: pattern(56), chainId: nil)),
        raw: """
            0xf89c05843b9aca0082c35094d8da6bf26964af9d7eed9e03e53415d37aa9604501b838030a11181f262d343b42495057\
            5e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d841ca0a9186e\
            fc90e82238530be36f1c4a8ea1c0d18ec6e13c21739ef7c3377639565da06267d643b86c55bbe74a1e5fd9103e27e5b7\
            1fa30563bcfbea83aacfbaf2ee10
            """,
        hash: "0x2bcb26386f0cd327135a9d23fe9bd73005dfbca6260b8f0b60783b38a510220a",
        r: "0xa9186efc90e82238530be36f1c4a8ea1c0d18ec6e13c21739ef7c3377639565d",
        s: "0x6267d643b86c55bbe74a1e5fd9103e27e5b71fa30563bcfbea83aacfbaf2ee10",
        v: "0x1c", sender: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"),
    Vector(
        name: "accessListChain1", key: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        transaction: .eip2930(EIP2930Transaction(
            chainId: 1, nonce: 3, gasPrice: 2_000_000_000, gasLimit: 80_000,
            to: address("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"), value: 1, data: pattern(4),
            accessList: [
                entry("0x000102030405060708090a0b0c0d0e0f10111213", []),
                entry("0x101112131415161718191a1b1c1d1e1f20212223", [hash("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")]),
                entry("0x202122232425262728292a2b2c2d2e2f30313233", [hash("0x02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021"), hash("0x030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122")]),
            ])),
        raw: """
            0x01f90115010384773594008301388094d8da6bf26964af9d7eed9e03e53415d37aa960450184030a1118f8aad6940001\
            02030405060708090a0b0c0d0e0f10111213c0f794101112131415161718191a1b1c1d1e1f20212223e1a00102030405\
            060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20f85994202122232425262728292a2b2c2d2e2f3031\
            3233f842a002030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021a0030405060708090a0b0c\
            0d0e0f101112131415161718191a1b1c1d1e1f20212201a0cd2c1a19141d65e84c4bbb8365bbc486148cdf7762622f38\
            27e6c19e562241cda04570552384aee027b4f277c58446e6c6b4f5432626547b4cd98fb8743c7bf411
            """,
        hash: "0x78de903d47a1b381103f8f5c19335a299f6aaeb516aca1060c957ffbc10cd207",
        r: "0xcd2c1a19141d65e84c4bbb8365bbc486148cdf7762622f3827e6c19e562241cd",
        s: "0x4570552384aee027b4f277c58446e6c6b4f5432626547b4cd98fb8743c7bf411",
        v: "0x01", sender: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"),
    Vector(
        name: "accessListCreate134", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        transaction: .eip2930(EIP2930Transaction(
            chainId: 134, nonce: 0, gasPrice: 1, gasLimit: 3_000_000,
            to: nil, value: 0, data: pattern(200),
            accessList: [])),
        raw: """
            0x01f9011881868001832dc6c08080b8c8030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc\
            e3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c\
            333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b525960676e757c\
            838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5cc\
            d3dae1e8eff6fd040b121920272e353c434a51585f666d74c001a0ff599e8f0f92210e3b4b4da90198e7a622b8bcfe7a\
            6fec658fd6915b63f3e6bfa06b7807668fb96c7aaf1255d748021f64ee0c633629b751b33b9f04dd304a15ac
            """,
        hash: "0xc7bc1ad65802afbb7c9856f6542f4bfe1405241e6b3bc167567cb48386f9a9d9",
        r: "0xff599e8f0f92210e3b4b4da90198e7a622b8bcfe7a6fec658fd6915b63f3e6bf",
        s: "0x6b7807668fb96c7aaf1255d748021f64ee0c633629b751b33b9f04dd304a15ac",
        v: "0x01", sender: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
    Vector(
        name: "feeMarket134", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        transaction: .eip1559(EIP1559Transaction(
            chainId: 134, nonce: 42, maxPriorityFeePerGas: 1_000_000_000,
            maxFeePerGas: 30_000_000_000, gasLimit: 60_000,
            to: address("0x3535353535353535353535353535353535353535"), value: .max, data: [],
            accessList: [
                entry("0x000102030405060708090a0b0c0d0e0f10111213", []),
                entry("0x101112131415161718191a1b1c1d1e1f20212223", [hash("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")]),
                entry("0x202122232425262728292a2b2c2d2e2f30313233", [hash("0x02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021"), hash("0x030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122")]),
                entry("0x303132333435363738393a3b3c3d3e3f40414243", [hash("0x030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122"), hash("0x0405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"), hash("0x05060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324")]),
            ])),
        raw: """
            0x02f901b481862a843b9aca008506fc23ac0082ea60943535353535353535353535353535353535353535a0ffffffffff\
            ffffffffffffffffffffffffffffffffffffffffffffffffffffff80f90126d694000102030405060708090a0b0c0d0e\
            0f10111213c0f794101112131415161718191a1b1c1d1e1f20212223e1a00102030405060708090a0b0c0d0e0f101112\
            131415161718191a1b1c1d1e1f20f85994202122232425262728292a2b2c2d2e2f30313233f842a00203040506070809\
            0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021a0030405060708090a0b0c0d0e0f10111213141516171819\
            1a1b1c1d1e1f202122f87a94303132333435363738393a3b3c3d3e3f40414243f863a0030405060708090a0b0c0d0e0f\
            101112131415161718191a1b1c1d1e1f202122a00405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\
            20212223a005060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232401a0672f94324c652d70bc\
            6dd02c0eac448461c4151078b9cda3ddc8ed8729b686c2a049ad217a2eba9597993dcf7b1d6405372f5765db19d620ba\
            49f278c5055f12e6
            """,
        hash: "0x64b654916b6ddea9956f174c208cc937f50ffd51575fa113c0f254957e963ba7",
        r: "0x672f94324c652d70bc6dd02c0eac448461c4151078b9cda3ddc8ed8729b686c2",
        s: "0x49ad217a2eba9597993dcf7b1d6405372f5765db19d620ba49f278c5055f12e6",
        v: "0x01", sender: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
    Vector(
        name: "feeMarketBigChainCreate", key: "0x0000000000000000000000000000000000000000000000000000000000000001",
        transaction: .eip1559(EIP1559Transaction(
            chainId: 4_294_967_303, nonce: 0, maxPriorityFeePerGas: 0,
            maxFeePerGas: 1, gasLimit: 21_000,
            to: nil, value: 0, data: [],
            accessList: [])),
        raw: """
            0x02f853850100000007808001825208808080c080a0a49004911cf3cbeb534bf3f66ef41efe7539bd0001a4c70b6eb578\
            3a4e354a25a0625ade91193e2b6106067cf890e89acb0ffcb75e0a7f6872b1c3adae8ce4596a
            """,
        hash: "0xccdc4c53a165efbe0d3b8203e3010400366a79f9f17a3e954a069b3549fb47ef",
        r: "0xa49004911cf3cbeb534bf3f66ef41efe7539bd0001a4c70b6eb5783a4e354a25",
        s: "0x625ade91193e2b6106067cf890e89acb0ffcb75e0a7f6872b1c3adae8ce4596a",
        v: "0x", sender: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"),
    Vector(
        name: "feeMarketShortS", key: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        transaction: .eip1559(EIP1559Transaction(
            chainId: 134, nonce: 55, maxPriorityFeePerGas: 1,
            maxFeePerGas: 2, gasLimit: 21_000,
            to: address("0x3535353535353535353535353535353535353535"), value: 0, data: [],
            accessList: [])),
        raw: """
            0x02f86281863701028252089435353535353535353535353535353535353535358080c080a0aee90fcd65145cd718d395\
            ac31750e4a34c4bf34b837ecc5f2780434ac108bbf9fff779f16fe61ecefd18845462b3daf8f26228d8be6c08c057cbf\
            d664fec85b
            """,
        hash: "0x2a8a7ec5f17bd06a1be306b79de9312d9aa7dfe01e50e1439bbf1a2b36d80019",
        r: "0xaee90fcd65145cd718d395ac31750e4a34c4bf34b837ecc5f2780434ac108bbf",
        s: "0x00ff779f16fe61ecefd18845462b3daf8f26228d8be6c08c057cbfd664fec85b",
        v: "0x", sender: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"),
    Vector(
        name: "legacyShortS", key: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        transaction: .legacy(LegacyTransaction(
            nonce: 196, gasPrice: 1, gasLimit: 21_000,
            to: address("0x3535353535353535353535353535353535353535"), value: 0, data: [], chainId: 1)),
        raw: """
            0xf85f81c401825208943535353535353535353535353535353535353535808026a0bba83e34d94fc8027aeb826d0e4458\
            34031285c4354108fc67c0b852879d1f609f06d0e352723a24f30ad3be2c5a4898b7b28aa4c46fa38698b587275b4a18\
            17
            """,
        hash: "0xb587d0fdbac62a79547f25d846426470ca8ff58a43017f6c75b8b51b79f65aed",
        r: "0xbba83e34d94fc8027aeb826d0e445834031285c4354108fc67c0b852879d1f60",
        s: "0x0006d0e352723a24f30ad3be2c5a4898b7b28aa4c46fa38698b587275b4a1817",
        v: "0x26", sender: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"),
    Vector(
        name: "feeMarketChain1", key: "0x4646464646464646464646464646464646464646464646464646464646464646",
        transaction: .eip1559(EIP1559Transaction(
            chainId: 1, nonce: 1, maxPriorityFeePerGas: 2,
            maxFeePerGas: .max, gasLimit: 9_223_372_036_854_775_808,
            to: address("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"), value: 1, data: pattern(1),
            accessList: [
                entry("0x000102030405060708090a0b0c0d0e0f10111213", []),
                entry("0x101112131415161718191a1b1c1d1e1f20212223", [hash("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")]),
            ])),
        raw: """
            0x02f8d8010102a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff888000000000000000\
            94d8da6bf26964af9d7eed9e03e53415d37aa960450103f84fd694000102030405060708090a0b0c0d0e0f10111213c0\
            f794101112131415161718191a1b1c1d1e1f20212223e1a00102030405060708090a0b0c0d0e0f101112131415161718\
            191a1b1c1d1e1f2080a00a6fbe2073c5e08d13096f27e35c14e52ba231820b8a9b9a20233e8bf5723e4ca076243a2dd0\
            628b4e1cce935edc754affc53b8170fd0b97316124443268c0a930
            """,
        hash: "0x3cd916072781a73fc7c5ab5ecc4401f58f9b2a9bd545e7fabc3a25253ec54da0",
        r: "0x0a6fbe2073c5e08d13096f27e35c14e52ba231820b8a9b9a20233e8bf5723e4c",
        s: "0x76243a2dd0628b4e1cce935edc754affc53b8170fd0b97316124443268c0a930",
        v: "0x", sender: "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"),
]

@Suite("Transactions: legacy/EIP-155, EIP-2930, EIP-1559 against eth-account")
struct TransactionTests {
    @Test(arguments: vectors)
    func signingMatchesEthAccount(_ vector: Vector) throws {
        let signed = vector.transaction.sign(with: try PrivateKey(hex: vector.key))
        #expect(Hex.encode(signed.rawBytes) == vector.raw)
        #expect(signed.hash.hex == vector.hash)
        #expect(Hex.encode(signed.signature.r) == vector.r)
        #expect(Hex.encode(signed.signature.s) == vector.s)
        #expect(Hex.encode(signed.v.minimalBigEndianBytes) == vector.v)
        #expect(try signed.sender().checksummed == vector.sender)
        #expect(signed.chainId == vector.transaction.chainId)
        #expect(signed.type == vector.transaction.type)
    }

    @Test(arguments: vectors)
    func decodingEthAccountRawReencodesIdentically(_ vector: Vector) throws {
        let raw = try [UInt8](hex: vector.raw)
        let decoded = try SignedTransaction(raw: raw)
        #expect(decoded.transaction == vector.transaction)
        #expect(decoded.rawBytes == raw)
        #expect(decoded.hash.hex == vector.hash)
        #expect(try decoded.sender().checksummed == vector.sender)
        let reencoded = SignedTransaction(transaction: decoded.transaction, signature: decoded.signature)
        #expect(reencoded.rawBytes == raw)
        #expect(reencoded == decoded)
    }

    /// The worked example in EIP-155's text: signing data, signing hash, v, r, s (decimal in the EIP).
    @Test func eip155Example() throws {
        let transaction = LegacyTransaction(
            nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
            to: address("0x3535353535353535353535353535353535353535"),
            value: 1_000_000_000_000_000_000, data: [], chainId: 1)
        #expect(Hex.encode(transaction.signingPayload)
            == "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")
        #expect(transaction.signingHash.hex == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signed = transaction.sign(with: try PrivateKey(hex: "0x" + String(repeating: "46", count: 32)))
        #expect(signed.v == 37)
        #expect(BigUInt(Data(signed.signature.r))
            == BigUInt("18515461264373351373200002665853028612451056578545711640558177340181847433846"))
        #expect(BigUInt(Data(signed.signature.s))
            == BigUInt("46948507304638947509940763649030358759909902576025900602547168820602576006531"))
        #expect(Hex.encode(signed.rawBytes) == """
            0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61\
            340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555\
            c9f3dc64214b297fb1966a3b6d83
            """)
        #expect(signed.isReplayProtected)
    }

    @Test func preEIP155IsFlaggedUnprotected() throws {
        let vector = try #require(vectors.first { $0.name == "legacyPre155" })
        let decoded = try SignedTransaction(raw: [UInt8](hex: vector.raw))
        #expect(decoded.chainId == nil)
        #expect(!decoded.isReplayProtected)
        #expect(decoded.v == 28)
    }

    @Test func contractCreationDecodesWithNoRecipient() throws {
        let vector = try #require(vectors.first { $0.name == "feeMarketBigChainCreate" })
        let decoded = try SignedTransaction(raw: [UInt8](hex: vector.raw))
        #expect(decoded.transaction.to == nil)
        #expect(decoded.chainId == 4_294_967_303)
    }
}

/// Each refusal in `SignedTransaction(raw:)`, built by altering one field of an eth-account vector.
@Suite("Transactions: malformed raw transactions are refused with the field named")
struct TransactionRejectionTests {
    static let legacyRaw = raw("eip155Example")
    static let feeMarketRaw = raw("feeMarketChain1")
    static let accessListRaw = raw("accessListChain1")
    static let order = BigUInt("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", radix: 16)!

    @Test func envelopeErrors() {
        #expect(throws: TransactionError.emptyInput) { try SignedTransaction(raw: []) }
        #expect(throws: TransactionError.unknownType(0x03)) { try SignedTransaction(raw: [0x03, 0xc0]) }
        #expect(throws: TransactionError.unknownType(0x00)) { try SignedTransaction(raw: [0x00, 0xc0]) }
        #expect(throws: TransactionError.invalidLeadingByte(0x83)) { try SignedTransaction(raw: [0x83, 1, 2, 3]) }
        #expect(throws: TransactionError.malformedRLP(.eip1559, .emptyInput)) { try SignedTransaction(raw: [0x02]) }
        #expect(throws: TransactionError.notAList(.eip1559)) { try SignedTransaction(raw: [0x02, 0x83, 1, 2, 3]) }
        #expect(throws: TransactionError.malformedRLP(.legacy, .trailingBytes(offset: 110, count: 1))) {
            try SignedTransaction(raw: Self.legacyRaw + [0x00])
        }
        // Type byte, list header (3 bytes), chainId 1, then the nonce 0x03: rewrite it as 0x81 0x03.
        var nonCanonical = Self.accessListRaw
        #expect(nonCanonical[5] == 0x03)
        nonCanonical.replaceSubrange(5...5, with: [0x81, 0x03])
        #expect(throws: TransactionError.malformedRLP(.eip2930, .nonCanonicalSingleByte(offset: 5))) {
            try SignedTransaction(raw: nonCanonical)
        }
    }

    @Test func wrongFieldCounts() {
        #expect(throws: TransactionError.wrongFieldCount(.legacy, expected: 9, actual: 8)) {
            try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0.removeLast() })
        }
        #expect(throws: TransactionError.wrongFieldCount(.eip1559, expected: 12, actual: 13)) {
            try SignedTransaction(raw: Self.alter(Self.feeMarketRaw) { $0.append(.bytes([])) })
        }
        #expect(throws: TransactionError.wrongFieldCount(.eip2930, expected: 11, actual: 12)) {
            // An EIP-1559 body behind the 0x01 type byte.
            try SignedTransaction(raw: [0x01] + Array(Self.feeMarketRaw.dropFirst()))
        }
    }

    @Test func invalidFieldsAreNamed() throws {
        let cases: [(Int, RLP.Item, TransactionError)] = [
            (0, .bytes([0x00, 0x09]), .invalidField("nonce", .nonCanonicalInteger)),
            (0, .bytes([UInt8](repeating: 1, count: 9)), .invalidField("nonce", .integerTooLarge(byteCount: 9, maxByteCount: 8))),
            (1, .bytes([0x00]), .invalidField("gasPrice", .nonCanonicalInteger)),
            (2, .list([]), .invalidField("gasLimit", .expectedBytes)),
            (3, .bytes([UInt8](repeating: 0x35, count: 19)), .invalidField("to", .wrongByteCount(expected: 20, actual: 19))),
            (4, .bytes([UInt8](repeating: 1, count: 33)), .invalidField("value", .integerTooLarge(byteCount: 33, maxByteCount: 32))),
            (5, .list([]), .invalidField("data", .expectedBytes)),
            (6, .bytes([0x00, 0x25]), .invalidField("v", .nonCanonicalInteger)),
        ]
        for (index, replacement, expected) in cases {
            #expect(throws: expected) { try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0[index] = replacement }) }
        }
        let typedCases: [(Int, RLP.Item, TransactionError)] = [
            (0, .bytes([UInt8](repeating: 1, count: 9)), .invalidField("chainId", .integerTooLarge(byteCount: 9, maxByteCount: 8))),
            (3, .bytes([0x00, 0x01]), .invalidField("maxFeePerGas", .nonCanonicalInteger)),
            (8, .bytes([1]), .invalidField("accessList", .expectedList)),
            (9, .bytes([0x00]), .invalidField("yParity", .nonCanonicalInteger)),
            (9, .bytes([0x02]), .invalidYParity(2)),
            (10, .bytes([0x00, 0x01]), .invalidField("r", .nonCanonicalInteger)),
            (11, .bytes([UInt8](repeating: 1, count: 33)), .invalidField("s", .integerTooLarge(byteCount: 33, maxByteCount: 32))),
        ]
        for (index, replacement, expected) in typedCases {
            #expect(throws: expected) { try SignedTransaction(raw: Self.alter(Self.feeMarketRaw) { $0[index] = replacement }) }
        }
        let error = #expect(throws: TransactionError.self) {
            try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0[0] = .bytes([0x00, 0x09]) })
        }
        #expect(error?.description == "transaction field 'nonce': RLP integer has a leading zero byte (zero is the empty string)")
    }

    @Test func accessListErrorsNameEntryAndKey() {
        let entry = RLP.Item.list([.bytes([UInt8](repeating: 7, count: 20)), .list([]), .list([])])
        #expect(throws: TransactionError.invalidField("accessList[1]", .wrongItemCount(expected: 2, actual: 3))) {
            try SignedTransaction(raw: Self.alter(Self.accessListRaw) { fields in
                fields[7] = .list([.list([.bytes([UInt8](repeating: 7, count: 20)), .list([])]), entry])
            })
        }
        #expect(throws: TransactionError.invalidField("accessList[2].storageKeys[1]", .wrongByteCount(expected: 32, actual: 31))) {
            try SignedTransaction(raw: Self.alter(Self.accessListRaw) { fields in
                guard case .list(var entries) = fields[7], case .list(var pair) = entries[2],
                      case .list(var keys) = pair[1] else { return }
                keys[1] = .bytes([UInt8](repeating: 9, count: 31))
                pair[1] = .list(keys)
                entries[2] = .list(pair)
                fields[7] = .list(entries)
            })
        }
        #expect(throws: TransactionError.invalidField("accessList[0].address", .wrongByteCount(expected: 20, actual: 0))) {
            try SignedTransaction(raw: Self.alter(Self.accessListRaw) { $0[7] = .list([.list([.bytes([]), .list([])])]) })
        }
    }

    @Test func legacyVMustBe27Or28OrEIP155() throws {
        for bad: UInt64 in [0, 1, 26, 29, 34] {
            #expect(throws: TransactionError.invalidV(UInt256(bad))) {
                try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0[6] = .uint(bad) })
            }
        }
        // 2⁷² is 35 + 2·chainId for no 64-bit chain id.
        let huge = try UInt256(bigEndian: [1] + [UInt8](repeating: 0, count: 9))
        #expect(throws: TransactionError.invalidV(huge)) {
            try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0[6] = .uint(huge) })
        }
        // v = 39 claims chain 2: it decodes, but the digest changes so the sender is someone else.
        let otherChain = try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0[6] = .uint(UInt64(39)) })
        #expect(otherChain.chainId == 2)
        #expect(try otherChain.sender().checksummed != "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
    }

    @Test func signatureValuesAreRangeChecked() throws {
        let decoded = try SignedTransaction(raw: Self.feeMarketRaw)
        let s = BigUInt(Data(decoded.signature.s))
        let highS = Self.order - s
        #expect(throws: TransactionError.invalidSignature(.highS)) {
            try SignedTransaction(raw: Self.alter(Self.feeMarketRaw) { fields in
                fields[9] = .uint(UInt64(1 - decoded.signature.yParity))
                fields[11] = .bytes(Array(highS.serialize()))
            })
        }
        #expect(throws: TransactionError.invalidSignature(.invalidSignatureValues)) {
            try SignedTransaction(raw: Self.alter(Self.feeMarketRaw) { $0[10] = .bytes([]) })
        }
        #expect(throws: TransactionError.invalidSignature(.invalidSignatureValues)) {
            try SignedTransaction(raw: Self.alter(Self.feeMarketRaw) { $0[10] = .bytes(Array(Self.order.serialize())) })
        }
        #expect(throws: TransactionError.invalidSignature(.invalidSignatureValues)) {
            try SignedTransaction(raw: Self.alter(Self.legacyRaw) { $0[8] = .bytes([]) })
        }
    }

    private static func raw(_ name: String) -> [UInt8] {
        try! [UInt8](hex: vectors.first { $0.name == name }!.raw)
    }

    /// Re-encodes `raw` (legacy or typed) after editing its field list.
    private static func alter(_ raw: [UInt8], _ edit: (inout [RLP.Item]) -> Void) throws -> [UInt8] {
        let typePrefix = raw[0] < 0xc0 ? [raw[0]] : []
        guard case .list(var fields) = try RLP.decode(Array(raw.dropFirst(typePrefix.count))) else {
            throw RLPError.expectedList
        }
        edit(&fields)
        return typePrefix + RLP.encode(.list(fields))
    }
}

/// One eth-account transaction vector.
struct Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let key: String
    let transaction: UnsignedTransaction
    let raw: String
    let hash: String
    let r: String
    let s: String
    let v: String
    let sender: String
    var testDescription: String { name }
}

private func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(($0 * 7 + 3) % 256) } }
private func address(_ hex: String) -> Address { try! Address(hex: hex) }
private func hash(_ hex: String) -> Hash32 { try! Hash32(hex: hex) }
private func entry(_ hex: String, _ keys: [Hash32]) -> AccessList.Entry {
    AccessList.Entry(address: address(hex), storageKeys: keys)
}
