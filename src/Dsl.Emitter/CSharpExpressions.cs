using System.Globalization;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Emitter;

/// <summary>forward's expressions as C#; <c>nested</c> ones (operands of an operator) take parentheses.</summary>
internal sealed class CSharpExpressions : ITensorExprVisitor<string>, ICallOperandVisitor<string>
{
    public static readonly CSharpExpressions Top = new(nested: false);
    private static readonly CSharpExpressions Nested = new(nested: true);
    private readonly bool _nested;

    private CSharpExpressions(bool nested) => _nested = nested;

    public string Variable(VariableRef v) => CSharpNames.Escape(v.Name);

    public string Apply(ApplyField f) => f.Style == FieldStyle.Parameter
        ? $"Ops.{CSharpNames.Pascal(f.Layer)}({f.Input.Accept(Top)}, {CSharpNames.Escape(f.Field)})"
        : $"{CSharpNames.Escape(f.Field)}.forward({string.Join(", ", new[] { f.Input }.Concat(f.ExtraInputs ?? new TensorExpr[0]).Select(i => i.Accept(Top)))})";

    public string Binary(TensorBinary b) => Wrap($"{b.Left.Accept(Nested)} {b.Operator} {b.Right.Accept(Nested)}");

    public string Scale(TensorScale s) => Wrap(s.ScalarOnLeft
        ? $"{ScalarOperand(s.Scalar)} {s.Operator} {s.Tensor.Accept(Nested)}"
        : $"{s.Tensor.Accept(Nested)} {s.Operator} {ScalarOperand(s.Scalar)}");

    public string Negate(TensorNegate n) => $"-{n.Operand.Accept(Nested)}";

    public string Concat(TensorConcat c) =>
        (c.Stack ? "Ops.Stack(" : "Ops.Concat(") + c.Dim.ToString(CultureInfo.InvariantCulture) + ", " + string.Join(", ", c.Items.Select(i => i.Accept(Top))) + ")";

    public string Call(MethodCall m) =>
        $"{(m.Target == null ? "" : CSharpNames.Escape(m.Target) + ".")}{m.Function}({string.Join(", ", m.Operands.Select(o => o.Accept(Top)))})";

    public string Tensor(TensorOperand t) => t.Tensor.Accept(Top);

    public string Name(NameOperand n) => CSharpNames.Escape(n.Name);

    public string Training(TrainingOperand training) => "training";

    private static string ScalarOperand(ScalarExpr s) => s is BinaryExpr ? $"({CSharpScalars.Write(s)})" : CSharpScalars.Write(s);

    private string Wrap(string text) => _nested ? $"({text})" : text;
}
