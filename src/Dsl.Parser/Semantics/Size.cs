namespace Dsl.Parser.Semantics;

/// <summary>An integer size with its expression for code; arithmetic keeps both in step.</summary>
public readonly record struct Size(long Value, ScalarExpr Expr)
{
    public static implicit operator Size(long value) => new(value, ScalarExpr.Int(value));

    public static Size Of(Dim dim) => new(dim.Value, dim.Expr);

    public static Size Of(ScalarValue value) => new(value.AsLong, value.Expr);

    public static Size operator +(Size a, Size b) => new(a.Value + b.Value, ScalarExpr.Binary('+', a.Expr, b.Expr));

    public static Size operator -(Size a, Size b) => new(a.Value - b.Value, ScalarExpr.Binary('-', a.Expr, b.Expr));

    public static Size operator *(Size a, Size b) => new(a.Value * b.Value, ScalarExpr.Binary('*', a.Expr, b.Expr));

    /// <summary>Floor division, as PyTorch's shape formulas use it.</summary>
    public static Size operator /(Size a, Size b) =>
        new(b.Value == 0 ? 0 : FloorDiv(a.Value, b.Value), ScalarExpr.Binary('/', a.Expr, b.Expr));

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    public Dim ToDim() => new(Value, Expr);
}
