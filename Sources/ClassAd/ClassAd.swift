// The ClassAd language: see docs/classad.md (issue #5).
