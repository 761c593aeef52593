using System.Globalization;
using Dsl.Parser.Semantics;

namespace Dsl.Emitter;

/// <summary>Scalar expressions (constants, constructor parameters, arithmetic) as C#.</summary>
public sealed class CSharpScalars : IScalarExprVisitor<string>
{
    private static readonly CSharpScalars Instance = new();

    public static string Write(ScalarExpr expr) => expr.Accept(Instance);

    /// <summary>A real number that reads back exactly.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public string Constant(ConstExpr c) => c.Type switch
    {
        ScalarType.Bool => c.Value != 0 ? "true" : "false",
        ScalarType.Int => ((long)c.Value).ToString(CultureInfo.InvariantCulture),
        _ => Float(c.Value),
    };

    public string Symbol(SymbolExpr s) => CSharpNames.Escape(s.Name);

    public string Binary(BinaryExpr b) => $"{Operand(b, b.Left, right: false)} {b.Operator} {Operand(b, b.Right, right: true)}";

    // C#'s precedence and left associativity: a + b stays bare under *, needs parentheses on the right of - and /.
    private static string Operand(BinaryExpr parent, ScalarExpr operand, bool right) =>
        operand is BinaryExpr b && (Precedence(b.Operator) < Precedence(parent.Operator) || (right && Precedence(b.Operator) == Precedence(parent.Operator)))
            ? $"({Write(operand)})"
            : Write(operand);

    private static int Precedence(char op) => op is '*' or '/' ? 2 : 1;

    private static string Float(double value)
    {
        var text = Number(value);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }
}
