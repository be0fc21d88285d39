import Testing

@testable import Ethereum

/// BIP-32 derivation, BIP-39 seeds and the dev chain's accounts, against BIP-32's and BIP-39's
/// official test vectors and eth-account 0.14 (`Account.from_mnemonic`, `hdaccount`), which
/// computed every value here (the BIP-32 and BIP-39 ones match the vectors published in the BIPs).
@Suite("HD wallets: BIP-32 derivation, BIP-39 seeds, dev accounts")
struct HDWalletTests {
    struct Node: Sendable, CustomStringConvertible {
        let path: String, privateKey: String, chainCode: String
        var description: String { path }
    }

    static let vector1Seed = "000102030405060708090a0b0c0d0e0f"
    /// BIP-32 test vector 1 (the BIP writes hardened indices with H).
    static let vector1: [Node] = [
        Node(path: "m", privateKey: "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35",
             chainCode: "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508"),
        Node(path: "m/0H", privateKey: "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea",
             chainCode: "47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141"),
        Node(path: "m/0H/1", privateKey: "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368",
             chainCode: "2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19"),
        Node(path: "m/0H/1/2H", privateKey: "cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca",
             chainCode: "04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f"),
        Node(path: "m/0H/1/2H/2", privateKey: "0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4",
             chainCode: "cfb71883f01676f587d023cc53a35bc7f88f724b1f8c2892ac1275ac822a3edd"),
        Node(path: "m/0H/1/2H/2/1000000000",
             privateKey: "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8",
             chainCode: "c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e"),
    ]

    static let vector2Seed = "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a2"
        + "9f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542"
    /// BIP-32 test vector 2: a 64-byte seed, normal derivation first, the largest hardened index.
    static let vector2: [Node] = [
        Node(path: "m", privateKey: "4b03d6fc340455b363f51020ad3ecca4f0850280cf436c70c727923f6db46c3e",
             chainCode: "60499f801b896d83179a4374aeb7822aaeaceaa0db1f85ee3e904c4defbd9689"),
        Node(path: "m/0", privateKey: "abe74a98f6c7eabee0428f53798f0ab8aa1bd37873999041703c742f15ac7e1e",
             chainCode: "f0909affaa7ee7abe5dd4e100598d4dc53cd709d5a5c2cac40e7412f232f7c9c"),
        Node(path: "m/0/2147483647H",
             privateKey: "877c779ad9687164e9c2f4f0f4ff0340814392330693ce95a58fe18fd52e6e93",
             chainCode: "be17a268474a6bb9c61e1d720cf6215e2a88c5406c4aee7b38547f585c9a37d9"),
        Node(path: "m/0/2147483647H/1",
             privateKey: "704addf544a06e5ee4bea37098463c23613da32020d604506da8c0518e1da4b7",
             chainCode: "f366f48f1ea9f2d1d3fe958c95ca84ea18e4c4ddb9366c336c927eb246fb38cb"),
        Node(path: "m/0/2147483647H/1/2147483646H",
             privateKey: "f1c7c871a54a804afe328b4c83a1c33b8e5ff48f5087273f04efa83b247d6a2d",
             chainCode: "637807030d55d01f9a0cb3a7839515d796bd07706386a6eddf06cc29a65a0e29"),
        Node(path: "m/0/2147483647H/1/2147483646H/2",
             privateKey: "bb7d39bdb83ecf58f2fd82b6d918341cbef428661ef01ab97c28a4842125ac23",
             chainCode: "9452b549be8cea3ecb7a84bec10dcfd94afe4d129ebfd3b3cb58eedf394ed271"),
    ]

    @Test(arguments: vector1)
    func bip32Vector1(node: Node) throws {
        let wallet = try HDWallet(seed: [UInt8](hex: Self.vector1Seed))
        let key = try wallet.extendedKey(at: DerivationPath(node.path))
        #expect(key.privateKey.bytes.hexString == "0x" + node.privateKey)
        #expect(key.chainCode.hexString == "0x" + node.chainCode)
    }

    @Test(arguments: vector2)
    func bip32Vector2(node: Node) throws {
        let wallet = try HDWallet(seed: [UInt8](hex: Self.vector2Seed))
        let key = try wallet.extendedKey(at: DerivationPath(node.path))
        #expect(key.privateKey.bytes.hexString == "0x" + node.privateKey)
        #expect(key.chainCode.hexString == "0x" + node.chainCode)
    }

    /// Step-by-step derivation gives the same nodes as whole paths, and tracks the path.
    @Test func stepwiseDerivationMatchesPaths() throws {
        var node = try ExtendedPrivateKey(seed: [UInt8](hex: Self.vector2Seed))
        for (level, expected) in Self.vector2.enumerated().dropFirst() {
            let path = try DerivationPath(expected.path)
            node = try node.derivedChild(path.components[level - 1])
            #expect(node.privateKey.bytes.hexString == "0x" + expected.privateKey)
            #expect(node.depth == level)
            #expect(node.path == path)
        }
    }

    /// BIP-32 vector 1's public keys (also coincurve's compressed serialization).
    @Test func compressedPublicKey() throws {
        let master = try PrivateKey(hex: "0xe8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35")
        #expect(master.publicKey.compressed.hexString
            == "0x0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2")
        let child = try PrivateKey(hex: "0xedb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea")
        #expect(child.publicKey.compressed.hexString
            == "0x035a784662a4a20a65bf6aab9ae98a6c068a81c52e4b032c0fb5400c706cfccc56")
        #expect(try PublicKey(sec1: child.publicKey.compressed) == child.publicKey)
    }

    /// eth-account: `Account.from_mnemonic(devMnemonic, account_path=f"m/44'/60'/0'/0/{i}")`.
    static let devAccounts: [(address: String, key: String)] = [
        ("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
        ("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
        ("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
        ("0x90F79bf6EB2c4f870365E785982E1f101E93b906", "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"),
        ("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"),
        ("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
        ("0x976EA74026E726554dB657fA54763abd0C3a0aa9", "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"),
        ("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"),
        ("0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"),
        ("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"),
    ]

    @Test func devAccountsMatchEthAccount() throws {
        let keys = try HDWallet.devAccounts(count: 10)
        #expect(keys.count == 10)
        for (key, expected) in zip(keys, Self.devAccounts) {
            #expect(key.bytes.hexString == "0x" + expected.key)
            #expect(key.address.checksummed == expected.address)
        }
        #expect(try HDWallet.devAccounts(count: 0).isEmpty)
        #expect(throws: HDWalletError.invalidAccountCount(-1)) { try HDWallet.devAccounts(count: -1) }
    }

    /// The same keys through the other entry points.
    @Test func devAccountsThroughWalletAPI() throws {
        let wallet = try HDWallet(mnemonic: HDWallet.devMnemonic)
        #expect(try wallet.account(3).bytes.hexString == "0x" + Self.devAccounts[3].key)
        #expect(try wallet.privateKey(at: "m/44'/60'/0'/0/9").bytes.hexString == "0x" + Self.devAccounts[9].key)
        // eth-account, account_path="m/44'/60'/1'/0/2".
        let otherAccount = try wallet.account(2, account: 1)
        #expect(otherAccount.bytes.hexString == "0x729d91ef8a9b770a6e74cb88ef82596d11633c9e6d304c4f1cb3d53b609ced4f")
        #expect(otherAccount.address.checksummed == "0x2b382887D362cCae885a421C978c7e998D3c95a6")
        #expect(try wallet.privateKey(at: "m/44h/60H/0'/0/1").address.checksummed == Self.devAccounts[1].address)
        #expect(throws: HDWalletError.invalidPath(.emptySegment(position: 5))) {
            try wallet.privateKey(at: "m/44'/60'/0'/0/")
        }
    }

    /// eth-account `hdaccount.seed_from_mnemonic`, and BIP-39's published seed for the dev mnemonic.
    @Test func bip39DevSeed() throws {
        let seed = try BIP39.seed(mnemonic: HDWallet.devMnemonic)
        #expect(seed.hexString == "0x9dfc3c64c2f8bede1533b6a79f8570e5943e0b8fd1cf77107adf7b72cef42185"
            + "d564a3aee24cab43f80e3c4538087d70fc824eabbad596a23c97b6ee8322ccc0")
    }

    /// BIP-39's English test vectors (passphrase "TREZOR"), the first two.
    @Test func bip39TrezorVectors() throws {
        let first = try BIP39.seed(
            mnemonic: "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
            passphrase: "TREZOR")
        #expect(first.hexString == "0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e5349553"
            + "1f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04")
        let second = try BIP39.seed(
            mnemonic: "legal winner thank year wave sausage worth useful legal winner thank yellow",
            passphrase: "TREZOR")
        #expect(second.hexString == "0x2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6f"
            + "a457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607")
    }

    /// The passphrase is NFKD-normalized: fullwidth letters and a precomposed é (eth-account's
    /// `Mnemonic.to_seed`); the decomposed spelling gives the same seed.
    @Test func bip39NormalizesPassphrase() throws {
        let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
        let expected = "0xce6172219dd9e6eaa15417d1c1ad65333e8286d847ae393d85bcc4c72175b581"
            + "11e7ac3b53d83287e5e520a78255e164115429e0fdedff806e53c2b5392fc024"
        #expect(try BIP39.seed(mnemonic: mnemonic, passphrase: "\u{FF50}\u{FF41}\u{FF53}\u{FF53}\u{E9}").hexString == expected)
        #expect(try BIP39.seed(mnemonic: mnemonic, passphrase: "pass\u{65}\u{301}").hexString == expected)
    }

    @Test func emptyMnemonicIsRefused() {
        #expect(throws: HDWalletError.emptyMnemonic) { try BIP39.seed(mnemonic: "", passphrase: "x") }
    }

    @Test func seedLengthIsChecked() throws {
        #expect(throws: HDWalletError.seedLength(15)) { try HDWallet(seed: [UInt8](repeating: 1, count: 15)) }
        #expect(throws: HDWalletError.seedLength(65)) { try HDWallet(seed: [UInt8](repeating: 1, count: 65)) }
        _ = try HDWallet(seed: [UInt8](repeating: 1, count: 16))
    }

    @Test func pathParsingAndDescription() throws {
        let path = try DerivationPath("m/44'/60'/0'/0/3")
        #expect(path.components == [
            try .hardened(44), try .hardened(60), try .hardened(0), try .normal(0), try .normal(3),
        ])
        #expect(path.description == "m/44'/60'/0'/0/3")
        #expect(try DerivationPath.ethereum(index: 3) == path)
        #expect(try DerivationPath("m/2147483647H").components[0].rawIndex == 0xffff_ffff)
        #expect(try DerivationPath("m").components.isEmpty)
        #expect(try DerivationPath("m") == DerivationPath.master)
    }

    struct BadPath: Sendable, CustomStringConvertible {
        let text: String, error: DerivationPathError
        var description: String { text }
    }

    static let badPaths: [BadPath] = [
        BadPath(text: "", error: .empty),
        BadPath(text: "44'/60'", error: .missingRoot("44'")),
        BadPath(text: "M/0", error: .missingRoot("M")),
        BadPath(text: "/0", error: .missingRoot("")),
        BadPath(text: "m/", error: .emptySegment(position: 1)),
        BadPath(text: "m//1", error: .emptySegment(position: 1)),
        BadPath(text: "m/44'/x", error: .invalidSegment(position: 2, segment: "x")),
        BadPath(text: "m/'", error: .invalidSegment(position: 1, segment: "'")),
        BadPath(text: "m/1''", error: .invalidSegment(position: 1, segment: "1''")),
        BadPath(text: "m/-1", error: .invalidSegment(position: 1, segment: "-1")),
        BadPath(text: "m/ 1", error: .invalidSegment(position: 1, segment: " 1")),
        BadPath(text: "m/１", error: .invalidSegment(position: 1, segment: "１")),
        BadPath(text: "m/0/2147483648'", error: .indexTooLarge(position: 2, segment: "2147483648'")),
        BadPath(text: "m/2147483648", error: .indexTooLarge(position: 1, segment: "2147483648")),
        BadPath(text: "m/99999999999999999999999", error: .indexTooLarge(position: 1, segment: "99999999999999999999999")),
    ]

    @Test(arguments: badPaths)
    func pathErrors(bad: BadPath) {
        #expect(throws: bad.error) { try DerivationPath(bad.text) }
        #expect(!bad.error.description.isEmpty)
    }

    @Test func depthLimits() throws {
        let deepest = "m" + String(repeating: "/0", count: 255)
        #expect(try DerivationPath(deepest).components.count == 255)
        #expect(throws: DerivationPathError.tooDeep(256)) { try DerivationPath(deepest + "/0") }
        #expect(throws: DerivationPathError.indexOutOfRange(1 << 31)) { try ChildIndex.hardened(1 << 31) }
    }

    /// The description shows where the key sits, never the secret.
    @Test func descriptionHidesSecret() throws {
        let key = try HDWallet(seed: [UInt8](hex: Self.vector1Seed)).extendedKey(at: DerivationPath("m/0H"))
        #expect(key.description.contains("m/0'"))
        #expect(!key.description.contains("edb2e14f"))
        #expect(!key.description.contains("47fdacbd"))
    }
}
