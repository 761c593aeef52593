using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Semantics;

/// <summary>
/// A number or flag as generated code computes it: a constant, a constructor parameter, or
/// arithmetic over them (each back end writes it in its own language). The binder checks shapes with concrete values and keeps this form
/// beside them so that a generated class still works for other constructor arguments.
/// </summary>
/// <summary>A back end's view of scalar expressions, one method per kind (see <see cref="IConstructionVisitor{T}"/>).</summary>
public interface IScalarExprVisitor<out T>
{
    T Constant(ConstExpr constant);

    T Symbol(SymbolExpr symbol);

    T Binary(BinaryExpr binary);
}

public abstract record ScalarExpr
{
    public abstract T Accept<T>(IScalarExprVisitor<T> visitor);

    public static ScalarExpr Int(long value) => new ConstExpr(value, ScalarType.Int);
    public static ScalarExpr Float(double value) => new ConstExpr(value, ScalarType.Float);
    public static ScalarExpr Bool(bool value) => new ConstExpr(value ? 1 : 0, ScalarType.Bool);

    public abstract ScalarExpr Substitute(IReadOnlyDictionary<string, ScalarExpr> map);

    public abstract void CollectSymbols(ISet<string> into);

    public bool IsConstant => this is ConstExpr;

    // (a * b * c) / (b * c) → a: keeps sizes like `feats * scale * scale / (scale * scale)` readable.
    private static ScalarExpr? Cancel(ScalarExpr numerator, ScalarExpr denominator)
    {
        var factors = new List<ScalarExpr>();
        Factors(numerator, factors);
        var divisors = new List<ScalarExpr>();
        Factors(denominator, divisors);
        foreach (var d in divisors)
        {
            if (!factors.Remove(d)) return null;
        }
        return factors.Count == 0 ? Int(1) : factors.Aggregate((a, b) => Binary('*', a, b));
    }

    private static void Factors(ScalarExpr e, List<ScalarExpr> into)
    {
        if (e is BinaryExpr { Operator: '*' } b)
        {
            Factors(b.Left, into);
            Factors(b.Right, into);
        }
        else
        {
            into.Add(e);
        }
    }

    public static ScalarExpr Binary(char op, ScalarExpr left, ScalarExpr right)
    {
        if (left is ConstExpr l && right is ConstExpr r)
        {
            var isInt = l.Type == ScalarType.Int && r.Type == ScalarType.Int;
            var value = op switch
            {
                '+' => l.Value + r.Value,
                '-' => l.Value - r.Value,
                '*' => l.Value * r.Value,
                _ => isInt ? Math.Floor(l.Value / r.Value) : l.Value / r.Value,
            };
            return new ConstExpr(value, isInt ? ScalarType.Int : ScalarType.Float);
        }
        if (op == '/' && Cancel(left, right) is { } quotient) return quotient;
        if (op is '+' or '-' && right is ConstExpr { Value: 0 }) return left;
        if (op == '+' && left is ConstExpr { Value: 0 }) return right;
        if (op is '*' or '/' && right is ConstExpr { Value: 1 }) return left;
        if (op == '*' && left is ConstExpr { Value: 1 }) return right;
        return new BinaryExpr(op, left, right);
    }
}

public enum ScalarType
{
    Int,
    Float,
    Bool,
}

public sealed record ConstExpr(double Value, ScalarType Type) : ScalarExpr
{
    public override T Accept<T>(IScalarExprVisitor<T> visitor) => visitor.Constant(this);

    public override ScalarExpr Substitute(IReadOnlyDictionary<string, ScalarExpr> map) => this;

    public override void CollectSymbols(ISet<string> into)
    {
    }
}

public sealed record SymbolExpr(string Name) : ScalarExpr
{
    public override T Accept<T>(IScalarExprVisitor<T> visitor) => visitor.Symbol(this);

    public override ScalarExpr Substitute(IReadOnlyDictionary<string, ScalarExpr> map) =>
        map.TryGetValue(Name, out var value) ? value : this;

    public override void CollectSymbols(ISet<string> into) => into.Add(Name);
}

public sealed record BinaryExpr(char Operator, ScalarExpr Left, ScalarExpr Right) : ScalarExpr
{
    public override T Accept<T>(IScalarExprVisitor<T> visitor) => visitor.Binary(this);

    public override ScalarExpr Substitute(IReadOnlyDictionary<string, ScalarExpr> map) =>
        Binary(Operator, Left.Substitute(map), Right.Substitute(map));

    public override void CollectSymbols(ISet<string> into)
    {
        Left.CollectSymbols(into);
        Right.CollectSymbols(into);
    }
}
