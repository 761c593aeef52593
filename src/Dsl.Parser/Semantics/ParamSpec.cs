using System.Collections.Generic;

namespace Dsl.Parser.Semantics;

public enum ArgKind
{
    Int,
    Float,
    Bool,

    /// <summary>An int, or a list of ints with one entry per spatial dimension.</summary>
    Ints,

    /// <summary>A number, or a list of numbers (a dynamic network's widths).</summary>
    Floats,

    /// <summary>One of a fixed set of words, or any name when the set is null (a model, say).</summary>
    Word,
}

/// <summary>
/// One argument a layer, block or annotation takes. <see cref="Default"/> null and not
/// <see cref="Required"/> means the default depends on other arguments (a pool's stride is
/// its kernel). <see cref="Aliases"/> are names people reach for from other tools
/// (<c>bits</c> for <c>w</c>); they are suggested, never accepted.
/// </summary>
public sealed record ParamSpec(
    string Name,
    ArgKind Kind,
    Value? Default = null,
    bool Required = false,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Words = null,
    IReadOnlyList<string>? Aliases = null)
{
    public string KindName => Kind switch
    {
        ArgKind.Int => "an int",
        ArgKind.Float => "a number",
        ArgKind.Bool => "true or false",
        ArgKind.Ints => "an int or a list of ints",
        ArgKind.Floats => "a number or a list of numbers",
        _ => Words == null ? "a name" : "one of " + string.Join(", ", Words),
    };

    public static ParamSpec Req(string name, ArgKind kind, double? min = null) => new(name, kind, Required: true, Min: min);

    public static ParamSpec Int(string name, long value, double? min = null) => new(name, ArgKind.Int, ScalarValue.Int(value), Min: min);

    public static ParamSpec Ints(string name, long value, double? min = null) => new(name, ArgKind.Ints, ScalarValue.Int(value), Min: min);

    public static ParamSpec Float(string name, double value, double? min = null, double? max = null) => new(name, ArgKind.Float, ScalarValue.Float(value), Min: min, Max: max);

    public static ParamSpec Bool(string name, bool value) => new(name, ArgKind.Bool, ScalarValue.Bool(value));

    public static ParamSpec Word(string name, params string[] words) => new(name, ArgKind.Word, new WordValue(words[0]), Words: words);
}
