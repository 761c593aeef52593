using System.Globalization;
using Dsl.Parser.Semantics;

namespace Dsl.Emitter;

/// <summary>Scalar expressions (constants, constructor parameters, arithmetic) as C#.</summary>
public static class CSharpScalars
{
    public static string Write(ScalarExpr expr) => expr switch
    {
        ConstExpr { Type: ScalarType.Bool } c => c.Value != 0 ? "true" : "false",
        ConstExpr { Type: ScalarType.Int } c => ((long)c.Value).ToString(CultureInfo.InvariantCulture),
        ConstExpr c => Float(c.Value),
        SymbolExpr s => CSharpNames.Escape(s.Name),
        BinaryExpr b => $"{Operand(b, b.Left, right: false)} {b.Operator} {Operand(b, b.Right, right: true)}",
        _ => throw new System.InvalidOperationException($"no C# for {expr.GetType().Name}"),
    };

    // C#'s precedence and left associativity: a + b stays bare under *, needs parentheses on the right of - and /.
    private static string Operand(BinaryExpr parent, ScalarExpr operand, bool right) =>
        operand is BinaryExpr b && (Precedence(b.Operator) < Precedence(parent.Operator) || (right && Precedence(b.Operator) == Precedence(parent.Operator)))
            ? $"({Write(operand)})"
            : Write(operand);

    private static int Precedence(char op) => op is '*' or '/' ? 2 : 1;

    private static string Float(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }
}
