import Testing
@testable import ClassAd
