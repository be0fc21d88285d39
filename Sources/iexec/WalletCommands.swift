import ArgumentParser
import Ethereum
import Foundation

/// `iexec wallet create|import|show`: keystore v3 files, as geth and iexec-sdk write them.
struct Wallet: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, import and open encrypted wallets (Web3 Secret Storage v3 keystores).",
        subcommands: [Create.self, Import.self, Show.self]
    )

    /// Where and how a new keystore is written.
    struct WriteOptions: ParsableArguments {
        @Option(help: "Password of the new keystore; prompted (twice, no echo) when absent.")
        var password: String?

        @Option(help: "Folder for the keystore file (created if needed).")
        var keystoredir: String = Wallet.defaultKeystoreDirectory

        @Option(help: "Key derivation: scrypt (geth's standard n=2^18, r=8, p=1) or pbkdf2 (c=262144).")
        var kdf: KDFChoice = .scrypt

        @Flag(help: "Cheaper scrypt (n=2^12, p=6): for throw-away test wallets only.")
        var light = false

        var keyDerivation: KeyDerivation {
            switch kdf {
            case .scrypt: return light ? .light : .standard
            case .pbkdf2: return .pbkdf2(c: light ? 4096 : 262_144)
            }
        }

        func resolvedPassword() throws -> String {
            try password ?? PasswordPrompt.ask(prompt: "Password for the new wallet: ", confirm: true)
        }
    }

    enum KDFChoice: String, ExpressibleByArgument, CaseIterable {
        case scrypt, pbkdf2
    }

    static var defaultKeystoreDirectory: String {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".ethereum/keystore").path
    }

    /// Encrypts `key` and writes it as a new file readable by its owner only; never overwrites.
    static func store(_ key: PrivateKey, options: WriteOptions) throws -> CommandOutput {
        let directory = URL(fileURLWithPath: options.keystoredir)
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let suffix = "--" + key.address.lowercaseHex.dropFirst(2)
        if let clash = existing.first(where: { $0.hasSuffix(suffix) }) {
            throw CLIError("a keystore for \(key.address) already exists: \(directory.appendingPathComponent(clash).path)")
        }
        let password = try options.resolvedPassword()
        let file = try Keystore.encrypt(key, password: password, kdf: options.keyDerivation)
        let path = directory.appendingPathComponent(Keystore.fileName(for: key.address)).path
        try SecretFile.create(path: path, contents: file.jsonData)
        return CommandOutput(
            fields: ["address": key.address.checksummed, "file": path],
            text: "Wallet \(key.address) saved in \(path)\nKeep the password: nothing can recover the key without it.")
    }

    struct Create: IexecCommand {
        static let configuration = CommandConfiguration(abstract: "Create a new random key and save it encrypted.")
        @OptionGroup var options: WriteOptions
        @OptionGroup var output: OutputOptions

        func execute() throws -> CommandOutput {
            try Wallet.store(PrivateKey.random(), options: options)
        }
    }

    struct Import: IexecCommand {
        static let configuration = CommandConfiguration(abstract: "Save an existing private key encrypted.")
        @Argument(help: "The private key: 0x followed by 64 hex digits.")
        var privateKey: String
        @OptionGroup var options: WriteOptions
        @OptionGroup var output: OutputOptions

        func execute() throws -> CommandOutput {
            let key: PrivateKey
            do {
                key = try PrivateKey(hex: privateKey)
            } catch {
                throw CLIError("private key: \(error)")
            }
            return try Wallet.store(key, options: options)
        }
    }

    struct Show: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a wallet and show its address; with a chain (--chain, --project, or a chain.json here), its native and escrow balances too.")
        @Option(help: "The keystore file (as --wallet-file).")
        var keystore: String?
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        /// The address alone (decrypting the keystore checks the password); no chain is asked.
        func execute() throws -> CommandOutput {
            let key = try opened()
            return CommandOutput(fields: ["address": key.address.checksummed], text: "Wallet \(key.address)")
        }

        /// The address, and the balances when a chain is named or the project has a chain.json. An
        /// unreachable chain is reported beside the address, not as a failure.
        func execute() async throws -> CommandOutput {
            let key = try opened()
            var fields: [String: Any] = ["address": key.address.checksummed]
            var text = "Wallet \(key.address)"
            let chainNamed = chainOptions.chain != nil || chainOptions.project != nil
            let projectHasChain = try chainOptions.files.read("chain.json") != nil
            guard chainNamed || projectHasChain else {
                return CommandOutput(fields: fields, text: text)
            }
            do {
                let session = try await chainOptions.connect()
                let balances = try await Balances.read(key.address, session)
                fields.merge(balances.fields) { _, new in new }
                fields["chainId"] = String(session.chainId)
                text += " on chain \(session.entry.name) (id \(session.chainId))\n" + balances.text
            } catch {
                fields["balancesError"] = "\(error)"
                text += "\nbalances unavailable: \(error)"
            }
            return CommandOutput(fields: fields, text: text)
        }

        private func opened() throws -> PrivateKey {
            try Wallet.open(keystore: keystore ?? wallet.keystorePath(), password: wallet.password)
        }
    }

    /// Reads and decrypts a keystore file, asking for the password when none is given.
    static func open(keystore path: String, password: String?) throws -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("keystore: cannot read \(path)")
        }
        let file = try KeystoreFile(jsonData: data)
        let password = try password ?? PasswordPrompt.ask(prompt: "Password of \(path): ")
        return try Keystore.decrypt(file, password: password)
    }
}

/// Files that hold secrets: created exclusively with mode 0600, so no other user can ever read them.
enum SecretFile {
    static func create(path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw CLIError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
