using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Dsl.Parser.Semantics;

/// <summary>A value the binder computes: a scalar, an enumeration word, a list, or a tensor.</summary>
public abstract record Value
{
    public abstract string Describe();
}

/// <summary>An int, float or bool: its value for this instantiation and its expression for code.</summary>
public sealed record ScalarValue(double Concrete, ScalarType Type, ScalarExpr Expr) : Value
{
    public long AsLong => (long)Concrete;
    public bool AsBool => Concrete != 0;

    public static ScalarValue Int(long v) => new(v, ScalarType.Int, ScalarExpr.Int(v));
    public static ScalarValue Float(double v) => new(v, ScalarType.Float, ScalarExpr.Float(v));
    public static ScalarValue Bool(bool v) => new(v ? 1 : 0, ScalarType.Bool, ScalarExpr.Bool(v));

    public override string Describe() => Type switch
    {
        ScalarType.Bool => AsBool ? "true" : "false",
        ScalarType.Int => AsLong.ToString(CultureInfo.InvariantCulture),
        _ => Concrete.ToString("R", CultureInfo.InvariantCulture),
    };

    public string TypeName => Type switch { ScalarType.Int => "int", ScalarType.Float => "float", _ => "bool" };
}

/// <summary>A bare word such as <c>reflect</c> or <c>bilinear</c>.</summary>
public sealed record WordValue(string Word) : Value
{
    public override string Describe() => Word;
}

public sealed record ListValue(IReadOnlyList<Value> Items) : Value
{
    public override string Describe() => "[" + string.Join(", ", Items.Select(i => i.Describe())) + "]";
}

/// <summary>A tensor flowing through forward: its shape, and the C# expression that holds it.</summary>
public sealed record TensorValue(Shape Shape, TensorExpr Code) : Value
{
    public override string Describe() => Shape.ToString();
}
