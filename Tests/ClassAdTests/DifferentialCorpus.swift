// Cases on which we once disagreed with classad2 (PyPI htcondor 25.14.1), fixed since, with
// classad2's answers (computed by `classad2.ExprTree(expr).simplify(ClassAd(my), ClassAd(target))
// .eval()`, or `.eval()` without ads; matches by `ClassAd.symmetricMatch` and `MY.Rank`). What they
// pinned down: `=?=` between a list and a scalar is FALSE; min/max hand back a lone element as it
// is; `?:` binds tighter than unary operators and takes an operand on its right; substr and member
// let UNDEFINED win over ERROR, regexp the reverse; strings read as numbers by prefix (strtod) and
// always as reals; substr offsets are C ints; a name met in two nested ads at once is no cycle;
// a negative number after `?:` takes subscripts.
@testable import ClassAd

enum DifferentialCorpus {
    static let cases: [DifferentialCase] = [
        .eval(#"UNDEFINED is {}"#, my: nil, target: nil, type: "boolean", value: .flag(false)),
        .eval(#"66.006 =?= {}"#, my: #"[c = undefined; a = 0.1]"#, target: #"[a = TARGET.Arch; Arch = -53.59]"#, type: "boolean", value: .flag(false)),
        .eval(#"Mem =?= a"#, my: #"[n = isUndefined(c); Mem = {TARGET.b, 0, 3}; a = -1.5 ?: 3; c = n]"#, target: #"[]"#, type: "boolean", value: .flag(false)),
        .eval(#"Mem isnt {Arch}"#, my: nil, target: nil, type: "boolean", value: .flag(true)),
        .eval(#"({} && (MY.c % MY.a)) isnt {+b}"#, my: #"[c = 0 =!= 2]"#, target: #"[a = "A" =?= False; n = undefined]"#, type: "boolean", value: .flag(true)),
        .eval(#"min({2 =?= Mem})"#, my: nil, target: nil, type: "boolean", value: .flag(false)),
        .eval(#"min({(9223372036854775807 ?: 1024) < true})"#, my: nil, target: nil, type: "boolean", value: .flag(false)),
        .eval(#"min({TARGET.n isnt true, ([p = 1; q = c].p) <= !TARGET.n, UNDEFINED})"#, my: #"[c = "abc"; a = TRUE == 0.0]"#, target: #"[]"#, type: "boolean", value: .flag(true)),
        .eval(#"(MY.b is -9223372036854775807) ?: +1"#, my: nil, target: nil, type: "parse-error", value: .none),
        .eval(#"toLower(round((-1e+300 =?= MY.Mem) ?: -False))"#, my: nil, target: nil, type: "parse-error", value: .none),
        .eval(#"x ?: !2"#, my: nil, target: nil, type: "parse-error", value: .none),
        .eval(#"-x ?: 2"#, my: nil, target: nil, type: "integer", value: .text(#"-2"#)),
        .eval(#"2 - x ?: 3"#, my: nil, target: nil, type: "integer", value: .text(#"-1"#)),
        .eval(#"x == 1 ?: 5"#, my: nil, target: nil, type: "undefined", value: .none),
        .eval(#"(b || a) ?: (-1e+300 + 1)"#, my: #"[a = ({MY.a, n, -9223372036854775807}) =?= round(2); Mem = -7 isnt ""]"#, target: #"[]"#, type: "real", value: .text(#"-1e+300"#)),
        .eval(#"-(substr(b, error, 0.5))"#, my: nil, target: nil, type: "undefined", value: .none),
        .eval(#"34.129 ? (substr(b, +(ifThenElse("", 2.25)), TRUE)) : 1"#, my: nil, target: nil, type: "undefined", value: .none),
        .eval(#"(substr(error, TARGET.Mem, c)) + ([p = b; q = "a, b ,c"].q)"#, my: #"[n = 0.5 ?: n; c = -1e+300]"#, target: #"[]"#, type: "undefined", value: .none),
        .eval(#"(member(-9223372036854775807 > TARGET.Mem, "abc" > a)) ?: isUndefined("A")"#, my: #"[n = "Linux"]"#, target: #"[a = MY.Mem != MY.a; Mem = error]"#, type: "boolean", value: .flag(false)),
        .eval(#"member(round(n) ? (false ?: n) : toLower(TARGET.Mem), size(ifThenElse(Mem, "x86_64", 62.434)))"#, my: nil, target: nil, type: "undefined", value: .none),
        .eval(#"MY.b <= (regexp(-1, 37.196, b))"#, my: nil, target: nil, type: "undefined", value: .none),
        .eval(#"(regexp(b, 70.577, c)) <= (undefined != -48.038)"#, my: #"[c = Arch; b = -54.37]"#, target: #"[c = Arch]"#, type: "undefined", value: .none),
        .eval(#"floor(member(size("abc"))) isnt (+(regexp(1 == true, MY.Mem, "A" ? "Linux" : -9223372036854775807)))"#, my: #"[b = size(1)]"#, target: #"[b = toLower(2)]"#, type: "boolean", value: .flag(false)),
        .eval(#"regexp((undefined > "ABC") < "X86_64", (TRUE || -7) == ("ABC" > 57.345))"#, my: nil, target: nil, type: "error", value: .none),
        .eval(#"-(member(regexp(3, 0, TARGET.n <= Mem), {}))"#, my: #"[Mem = n]"#, target: #"[Arch = MY.Arch % MY.b]"#, type: "undefined", value: .none),
        .eval(#"round(strcat(-0.0 ?: 1024, 2))"#, my: nil, target: nil, type: "integer", value: .text(#"0"#)),
        .eval(#"round(toUpper(9223372036854775807)) ?: 33"#, my: nil, target: nil, type: "integer", value: .text(#"-9223372036854775808"#)),
        .eval(#"substr(MY.n, 9223372036854775807)"#, my: #"[n = toUpper("abc")]"#, target: #"[]"#, type: "string", value: .text(#"C"#)),
        .eval(#"TARGET.Mem =!= (((-7 ?: TARGET.b) < (max({b, false}))) / ([p = [p = undefined; q = TARGET.Arch].a; q = max({Mem})].p))"#, my: #"[n = MY.n; a = [p = TRUE; q = MY.Mem].p; Arch = 9223372036854775807; Mem = +(0.0 - 10); b = 2]"#, target: #"[]"#, type: "boolean", value: .flag(true)),
        .eval(#"MY.a"#, my: #"[a = 1]"#, target: #"[]"#, type: "integer", value: .text(#"1"#)),
        .eval(#"10 ?: -14[1]"#, my: nil, target: nil, type: "integer", value: .text(#"10"#)),
        .eval(#"UNDEFINED ?: -1.5["p"]"#, my: nil, target: nil, type: "error", value: .none),
        .eval(#"x ?: -1[0] ?: 3"#, my: nil, target: nil, type: "error", value: .none),
        .match(#"[Requirements = MY.n < TARGET.a || TARGET.c =?= "" || TARGET.b < 97.513; a = -7; b = -1; Rank = ceiling(floor("b,c"))]"#, #"[Mem = floor(TARGET.Mem); Arch = "a"; b = False; Requirements = (TARGET.b ? "x86_64" : a) =!= -0.1; c = {n}]"#, match: true, rank: "0.0"),
        .match(#"[Requirements = isUndefined(n =!= "b,c"); n = "Linux" > 79; Arch = [p = UNDEFINED; q = false].q; b = -9223372036854775807; Rank = (substr(TARGET.a, n, 0)) || TARGET.Arch]"#, #"[Arch = 1e+300; Requirements = {[p = -1; q = "b,c"].q, toLower(False), 1 > TARGET.Arch}; n = -1e+300]"#, match: false, rank: "1.0"),
        .match(#"[Rank = {error} =!= +"Linux"; c = a; a = TARGET.Arch ? 74.255 : -91.042; Requirements = TARGET.a < "b,c"]"#, #"[Mem = TARGET.a; Requirements = MY.a == TARGET.Mem; c = error is 9223372036854775807; a = 10]"#, match: false, rank: "1.0"),
    ]
}
