import Ethereum
import Foundation
import Testing
@testable import Worker

/// Result digests by the project's rules, the deterministic error result, and resultHash/resultSeal.
/// Reference digests computed with Python's hashlib.sha256 and eth_utils.keccak (/work/venv).
@Suite("Result package")
struct ResultPackageTests {
    static let exited = ExecutionOutcome(termination: .exited(code: 0), stdout: .init(), stderr: .init(), elapsedSeconds: 0)

    func outcome(_ termination: ExecutionTermination) -> ExecutionOutcome {
        ExecutionOutcome(termination: termination, stdout: .init(), stderr: .init(), elapsedSeconds: 0)
    }

    @Test func fileDigestIsItsSHA256() throws {
        let workspace = try Workspace()
        let output = try workspace.directory("out", files: [
            "result.txt": "hello\n", "computed.json": #"{"deterministic-output-path":"/iexec_out/result.txt"}"#,
        ])
        let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
        #expect(package.digest.hex == "0x5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(package.errorReason == nil)
        #expect(package.resultsCallback == nil)
    }

    @Test func directoryDigestIsKeccakOfSortedFileDigests() throws {
        let workspace = try Workspace()
        let output = try workspace.directory("out", files: [
            "res/one.txt": "1\n", "res/two/three.txt": "3\n", "res/Two.txt": "T",
            "computed.json": #"{"deterministic-output-path":"/iexec_out/res"}"#,
        ])
        let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
        // Order by UTF-8 bytes: Two.txt, one.txt, two/three.txt.
        #expect(package.digest.hex == "0xfe915d5bca34c503c76da0a2c694ad4490a1ac302e42e90cac68762f4ec98b6b")
    }

    @Test func callbackDataGivesKeccakOfItsBytes() throws {
        let workspace = try Workspace()
        let output = try workspace.directory("out", files: ["computed.json": #"{"callback-data":"0xcafe00"}"#])
        let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
        #expect(package.digest.hex == "0xda8370d6932c4d6a40dd3f5015bd3c313d271b372e8e591b8c1c8fe1dd39f53b")
        #expect(package.resultsCallback == [0xCA, 0xFE, 0x00])
    }

    @Test(arguments: [
        nil, "not json", #"{"deterministic-output-path":"/etc/passwd"}"#, #"{"deterministic-output-path":"/iexec_out/../x"}"#,
        #"{"deterministic-output-path":"/iexec_out/missing.txt"}"#, #"{"callback-data":"zz"}"#, #"{}"#,
    ])
    func invalidComputedJSONGivesTheErrorResult(computed: String?) throws {
        let workspace = try Workspace()
        var files = ["result.txt": "hello\n"]
        if let computed { files["computed.json"] = computed }
        let output = try workspace.directory("out", files: files)
        let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
        #expect(package.errorReason == .invalidOutput)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["error.json"])
        #expect(output.appendingPathComponent("error.json").text == #"{"error":"invalid-output"}"#)
    }

    @Test func symbolicLinkInTheOutputIsInvalid() throws {
        let workspace = try Workspace()
        let output = try workspace.directory("out", files: ["computed.json": #"{"deterministic-output-path":"/iexec_out/res"}"#])
        try FileManager.default.createDirectory(at: output.appendingPathComponent("res"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent("res/leak").path, withDestinationPath: "/etc/hostname")
        let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
        #expect(package.errorReason == .invalidOutput)
    }

    @Test func linkedFolderOrComputedFileIsInvalid() throws {
        let workspace = try Workspace()
        let host = try workspace.directory("host", files: ["secret.txt": "keystore", "computed.json": #"{"deterministic-output-path":"/iexec_out/result.txt"}"#])
        let linkedFolder = try workspace.directory("out1", files: ["computed.json": #"{"deterministic-output-path":"/iexec_out/res/secret.txt"}"#])
        try FileManager.default.createSymbolicLink(atPath: linkedFolder.appendingPathComponent("res").path, withDestinationPath: host.path)
        let linkedComputed = try workspace.directory("out2", files: ["result.txt": "r"])
        try FileManager.default.createSymbolicLink(
            atPath: linkedComputed.appendingPathComponent("computed.json").path, withDestinationPath: host.appendingPathComponent("computed.json").path)
        for output in [linkedFolder, linkedComputed] {
            let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
            #expect(package.errorReason == .invalidOutput)
        }
        #expect(host.appendingPathComponent("secret.txt").text == "keystore")
    }

    @Test func errorResultIsTheSameBytesOnEveryRun() throws {
        let workspace = try Workspace()
        let first = try workspace.directory("first", files: ["partial.txt": "host-dependent junk"])
        let second = workspace.output()
        let a = try ResultPackage.make(outputDirectory: first, outcome: outcome(.limitExceeded(.time)))
        let b = try ResultPackage.errorResult(.limitExceeded(.time), in: second)
        #expect(a.digest == b.digest)
        #expect(a.digest.hex == "0x9d9b2a7e39f62916daf03d526e160ccbb8e1c29e8236ac4c7d6ff20aecf04bdb")
        #expect(try FileManager.default.contentsOfDirectory(atPath: first.path) == ["error.json"])
        let exit = try ResultPackage.make(outputDirectory: workspace.output(), outcome: outcome(.exited(code: 3)))
        #expect(exit.digest.hex == "0x7c60fc7a8f55811aa4bc02ec178edcf545ab67f926e108b7ad0e436cd36ea5c0")
        let crash = try ResultPackage.make(outputDirectory: workspace.output(), outcome: outcome(.crashed("host text 0x7f…")))
        #expect(crash.errorReason == .crashed)
        #expect(crash.outputDirectory.appendingPathComponent("error.json").text == #"{"error":"app-crashed"}"#)
    }

    @Test func resultHashAndSealMatchTheSpecVectors() throws {
        // /work/shared/spec/vectors.json, lifecycle.computed_examples.
        let worker = try Address(hex: "0x748e091bf16048cb5103E0E10F9D5a8b7fBDd860")
        let task = try Hash32(hex: "0xd94b63fc2d3ec4b96daf84b403bbafdc8c8517e8e2addd51fec0fa4e67801be8")
        let digest = try Hash32(hex: "0xfe6eba7362b3bfd89cf18283c992d58fe4b59d1b22a63b41be763297b165229a")
        #expect(ResultPackage.resultHash(taskId: task, digest: digest).hex == "0x5b6a3234f07fba85f9b6163c2be3321a653daf1998a58f5f18ebc7b040df98de")
        #expect(ResultPackage.resultSeal(worker: worker, taskId: task, digest: digest).hex == "0x348c342b694841ba2dba579fc0a150bae575b091b380ff50d39eeff97c226123")
        // contributeAndFinalize: the digest of a callback result is keccak256(resultsCallback).
        let callback = "0x000000000000000000000000000000000000000000000000000000000000002a0000000000000000000000000000000000000000000000000000000000000040000000000000000000000000000000000000000000000000000000000000001063616c6c6261636b207061796c6f616400000000000000000000000000000000"
        let workspace = try Workspace()
        let output = try workspace.directory("out", files: ["computed.json": #"{"callback-data":"\#(callback)"}"#])
        let package = try ResultPackage.make(outputDirectory: output, outcome: Self.exited)
        #expect(package.digest.hex == "0x3a494f53c0497ee91e7693b7f179128d0e99cd5cf7d522b0aa876db65b44eaa9")
        #expect(package.resultHash(taskId: task).hex == "0x15af97c048d9fd465965c133c34ff9578fc294eb29d5a3138b8ca4a59d277e04")
        #expect(package.resultSeal(worker: worker, taskId: task).hex == "0xe73960c1361899b86c5f4e6b6ab3880de3edc14d3f20b57218f22641936a4aa4")
    }
}
