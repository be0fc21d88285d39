import Foundation

/// One figure a suite reports: printed in the table and as one JSON line.
struct BenchResult {
    var suite: String
    var name: String
    var value: Double
    var unit: String
    /// Extra fields for the JSON line (reference figure, ratio, machine notes).
    var extra: [String: any Sendable] = [:]
}

/// Keeps the optimizer from deleting work whose result is otherwise unused.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Runs `body` (which performs `batch` operations) repeatedly for at least `seconds`, after one
/// warm-up call, and returns operations per second.
func measureRate(batch: Int, seconds: Double = 1.0, _ body: () -> Void) -> Double {
    body()
    let clock = ContinuousClock()
    var operations = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        body()
        operations += batch
        elapsed = clock.now - start
    } while elapsed < .milliseconds(Int(seconds * 1000))
    let secondsElapsed = elapsed.inSeconds
    return Double(operations) / secondsElapsed
}

/// Measures two implementations of the same work in alternation (five rounds each, median), so that
/// a noisy neighbour or frequency scaling weighs on both alike. Returns operations per second.
func measurePair(batch: Int, _ ours: () -> Void, reference: () -> Void) -> (ours: Double, reference: Double) {
    var oursRates: [Double] = []
    var referenceRates: [Double] = []
    for _ in 0..<5 {
        oursRates.append(measureRate(batch: batch, seconds: 0.3, ours))
        referenceRates.append(measureRate(batch: batch, seconds: 0.3, reference))
    }
    return (oursRates.sorted()[2], referenceRates.sorted()[2])
}

/// Prints the results as an aligned table (unless the suite printed its own), then one JSON object
/// per line.
func report(_ results: [BenchResult], table: Bool = true) {
    if table {
        let nameWidth = max(4, results.map(\.name.count).max() ?? 0)
        print("name".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + "value".leftPadded(14) + "  unit        reference        ratio")
        for result in results {
            var line = result.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            line += "  " + format(result.value).leftPadded(14) + "  " + result.unit.padding(toLength: 10, withPad: " ", startingAt: 0)
            if let reference = result.extra["reference"] as? Double {
                line += "  " + format(reference).leftPadded(14)
            }
            if let ratio = result.extra["ratio"] as? Double {
                line += "  " + String(format: "%.2f×", ratio).leftPadded(8)
            }
            print(line)
        }
    }
    let machine = machineDescription()
    for result in results {
        var object: [String: Any] = [
            "suite": result.suite, "name": result.name, "value": result.value, "unit": result.unit, "machine": machine,
        ]
        for (key, value) in result.extra { object[key] = value }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

private func format(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// "CPU model, N cores" from /proc/cpuinfo, so every JSON line says where it was measured.
func machineDescription() -> String {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
    return "\(model ?? "unknown CPU"), \(cores) cores"
}

extension Duration {
    /// The duration in seconds, as a Double.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A benchmark that cannot run or whose checks failed, with the message shown to the user.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
