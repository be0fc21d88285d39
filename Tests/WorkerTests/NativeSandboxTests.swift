import Foundation
import Testing
@testable import Worker

/// What a native app cannot do: read the worker's secrets, reach the network, fork, allocate,
/// compute or write without end. Each is contained, reported as its limit, and the executor runs a
/// normal app right after.
@Suite("Native sandbox escapes")
struct NativeSandboxTests {
    let executor = NativeExecutor()

    func run(_ app: URL, _ arguments: [String] = [], limits: ExecutionLimits = testLimits, in workspace: borrowing Workspace) async throws -> (ExecutionOutcome, URL) {
        let output = workspace.output()
        let outcome = try await executor.execute(ExecutionRequest(app: app, arguments: arguments, outputDirectory: output, limits: limits))
        let after = workspace.output("after")
        let normal = try await executor.execute(ExecutionRequest(
            app: try workspace.script("normal-\(UUID().uuidString).sh", "echo fine > /iexec_out/ok.txt"),
            outputDirectory: after, limits: testLimits))
        #expect(normal.succeeded)
        #expect(after.appendingPathComponent("ok.txt").text == "fine\n")
        return (outcome, output)
    }

    @Test func secretsOfTheHostAreNotVisible() async throws {
        let workspace = try Workspace()
        let dataDirectory = try workspace.directory("worker-data", files: ["keystore.json": "SECRET-KEY"])
        let keystore = dataDirectory.appendingPathComponent("keystore.json").path
        let app = try workspace.script("steal.sh", """
            for f in "\(keystore)" /etc/shadow /root/.bash_history /etc/passwd; do
              if cat "$f" > /dev/null 2>&1; then echo "read $f"; fi
            done
            ls /etc /root 2>&1
            exit 7
            """)
        let (outcome, _) = try await run(app, in: workspace)
        #expect(outcome.termination == .exited(code: 7))
        #expect(!outcome.stdout.text.contains("read "))
        #expect(outcome.stdout.text.contains("ld.so.cache"))  // /etc holds only the linker's cache
        #expect(!outcome.stdout.text.contains("shadow"))
    }

    @Test func networkIsUnreachable() async throws {
        let workspace = try Workspace()
        // A listener on the host's loopback: the app must not reach it.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = listen(listener, 4)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        let app = try workspace.gcc("connect", source: """
            #include <arpa/inet.h>
            #include <stdlib.h>
            #include <sys/socket.h>
            static int reach(const char *ip, int port) {
                int s = socket(AF_INET, SOCK_STREAM, 0);
                if (s < 0) return 0;
                struct sockaddr_in a = {0};
                a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = inet_addr(ip);
                return connect(s, (struct sockaddr *)&a, sizeof a) == 0;
            }
            int main(int argc, char **argv) {
                if (reach("127.0.0.1", atoi(argv[1]))) return 1;
                if (reach("1.1.1.1", 53)) return 2;
                return 5;
            }
            """)
        let (outcome, _) = try await run(app, [String(port)], in: workspace)
        #expect(outcome.termination == .exited(code: 5))
    }

    @Test func forkBombHitsTheProcessLimit() async throws {
        let workspace = try Workspace()
        let app = try workspace.gcc("forkbomb", source: "#include <unistd.h>\nint main(void) { for (;;) fork(); }")
        let (outcome, _) = try await run(app, in: workspace)
        // Reported as the process limit, not as the wall clock (how long it took is no test's business).
        #expect(outcome.termination == .limitExceeded(.processes))
    }

    @Test func allocatingWithoutEndHitsTheMemoryLimit() async throws {
        let workspace = try Workspace()
        let app = try workspace.gcc("hog", source: """
            #include <stdlib.h>
            #include <string.h>
            int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 9; memset(p, 1, 1 << 20); } }
            """)
        let (outcome, _) = try await run(app, in: workspace)
        #expect(outcome.termination == .limitExceeded(.memory))
    }

    @Test func loopingForeverIsKilledAtTheWallClock() async throws {
        let workspace = try Workspace()
        let app = try workspace.script("spin.sh", "while :; do :; done")
        var limits = testLimits
        limits.wallClockSeconds = 1
        let (outcome, _) = try await run(app, limits: limits, in: workspace)
        #expect(outcome.termination == .limitExceeded(.time))
        #expect(outcome.elapsedSeconds >= 1, "not killed before its time")
    }

    @Test func cpuTimeIsBounded() async throws {
        let workspace = try Workspace()
        let app = try workspace.script("spin.sh", "while :; do :; done")
        var limits = testLimits
        limits.cpuSeconds = 1
        limits.wallClockSeconds = 10
        let (outcome, _) = try await run(app, limits: limits, in: workspace)
        #expect(outcome.termination == .limitExceeded(.cpu))
    }

    @Test func writingTenGibibytesStopsAtTheOutputCap() async throws {
        let workspace = try Workspace()
        // dd would write 10 GiB; the file size limit (the output cap) stops it at 1 MiB.
        let app = try workspace.script("fill.sh", "exec dd if=/dev/zero of=/iexec_out/big.bin bs=1M count=10240 2>/dev/null")
        let (outcome, output) = try await run(app, in: workspace)
        #expect(outcome.termination == .limitExceeded(.output))
        // The file size limit is the cap + 1 byte: the file that reached it is over the cap, by one byte.
        #expect(OutputMeasure.totalBytes(under: output) <= testLimits.outputBytes + 1)
    }

    @Test func manySmallFilesStopAtTheOutputCap() async throws {
        let workspace = try Workspace()
        // Each file stays under the file size limit; the watcher adds them up.
        let app = try workspace.script("files.sh", "i=0; while :; do i=$((i+1)); dd if=/dev/zero of=/iexec_out/f$i bs=64k count=1 2>/dev/null; done")
        var limits = testLimits
        limits.wallClockSeconds = 20
        let (outcome, _) = try await run(app, limits: limits, in: workspace)
        // Stopped by the output watcher, not by the wall clock.
        #expect(outcome.termination == .limitExceeded(.output))
    }
}
