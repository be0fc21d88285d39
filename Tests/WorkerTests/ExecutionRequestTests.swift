import Foundation
import Testing
@testable import Worker

/// What a request gives the app (its environment, argv) and how limits derive from a category.
@Suite("Execution request and limits")
struct ExecutionRequestTests {
    @Test func iexecVariablesWinOverExtraOnes() throws {
        let request = ExecutionRequest(
            app: URL(fileURLWithPath: "/apps/pi.wasm"), arguments: ["1"], outputDirectory: URL(fileURLWithPath: "/tmp/out"),
            inputFileNames: ["x"], extraEnvironment: ["IEXEC_IN": "/", "IEXEC_INPUT_FILES_NUMBER": "9", "MODE": "fast"])
        #expect(request.environment == [
            "IEXEC_IN": "/iexec_in", "IEXEC_OUT": "/iexec_out", "IEXEC_TASK_ID": "", "IEXEC_DATASET_FILENAME": "",
            "IEXEC_INPUT_FILES_NUMBER": "1", "IEXEC_INPUT_FILE_NAME_1": "x", "MODE": "fast",
        ])
        #expect(request.argv == ["pi.wasm", "1"])
    }

    @Test func categoryTimeBoundsWallClockCPUAndFuel() {
        let limits = ExecutionLimits(categoryMaxTime: 300)
        #expect(limits.wallClockSeconds == 300)
        #expect(limits.cpuSeconds == 300)
        #expect(limits.fuel == 300 * ExecutionLimits.defaultFuelPerSecond)
        #expect(limits.memoryBytes == ExecutionLimits().memoryBytes)
        #expect(ExecutionLimits.fuel(forSeconds: 0.5, rate: 1000) == 500)
        #expect(ExecutionLimits.fuel(forSeconds: 1e30) == .max)
        #expect(ExecutionLimits.fuel(forSeconds: -1) == 0)
    }
}
