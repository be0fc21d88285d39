import Foundation
import Testing
@testable import Worker

/// The result archive: a zip that Python's zipfile reads, the same bytes for the same directory.
@Suite("Result archive")
struct ResultArchiveTests {
    @Test func pythonReadsTheArchiveAndTwoPackagingsAreIdentical() throws {
        let workspace = try Workspace()
        let files = ["result.txt": "hello\n", "a/b.txt": "bee", "a/c/d.txt": "", "Z.txt": "zed", "é.txt": "accent"]
        let first = try workspace.directory("one", files: files)
        let second = try workspace.directory("two", files: files)
        // Different modes and dates on the second copy must not change the bytes.
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600, .modificationDate: Date(timeIntervalSince1970: 1_000_000)],
            ofItemAtPath: second.appendingPathComponent("result.txt").path)
        let zipA = workspace.root.appendingPathComponent("a.zip"), zipB = workspace.root.appendingPathComponent("b.zip")
        try DeterministicZip.write(directory: first, to: zipA)
        try DeterministicZip.write(directory: second, to: zipB)
        #expect(try Data(contentsOf: zipA) == Data(contentsOf: zipB))

        let script = """
            import sys, zipfile, json
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            print(json.dumps([[i.filename, i.date_time, i.external_attr >> 16, i.compress_type, z.read(i).decode()] for i in z.infolist()]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, zipA.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[Any]])
        #expect(entries.map { $0[0] as? String } == ["Z.txt", "a/b.txt", "a/c/d.txt", "result.txt", "é.txt"])
        for entry in entries {
            #expect(entry[1] as? [Int] == [1980, 1, 1, 0, 0, 0])
            #expect(entry[2] as? Int == 0o100644)
            #expect(entry[3] as? Int == 0)  // stored
            #expect(entry[4] as? String == files[entry[0] as? String ?? ""])
        }
    }

    @Test func packageWritesItsOutputDirectory() throws {
        let workspace = try Workspace()
        let package = try ResultPackage.errorResult(.downloadFailed, in: workspace.output())
        let zip = workspace.root.appendingPathComponent("error.zip")
        try package.writeArchive(to: zip)
        let bytes = try Data(contentsOf: zip)
        // One stored entry: local header (30 + 10 name) + 27 bytes, central (46 + 10), end (22).
        #expect(bytes.count == 30 + 10 + 27 + 46 + 10 + 22)
        #expect(String(decoding: bytes[30..<40], as: UTF8.self) == "error.json")
        #expect(String(decoding: bytes[40..<67], as: UTF8.self) == #"{"error":"download-failed"}"#)
    }
}
