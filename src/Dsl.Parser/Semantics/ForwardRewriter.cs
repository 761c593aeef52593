using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Semantics;

/// <summary>
/// Rewrites the variable reads of a forward expression, for a method that draws a boundary in
/// forward and wraps the values crossing it (@multibit's branched body); and lists the fields an
/// expression applies.
/// </summary>
public sealed class ForwardRewriter : ITensorExprVisitor<TensorExpr>
{
    private readonly Func<VariableRef, TensorExpr> _read;

    /// <summary>Where <see cref="Fields"/> collects the applied fields.</summary>
    private List<string>? _applied;

    private ForwardRewriter(Func<VariableRef, TensorExpr> read) => _read = read;

    /// <summary><paramref name="expr"/> with each variable read replaced by what <paramref name="read"/> makes of it.</summary>
    public static TensorExpr Reads(TensorExpr expr, Func<VariableRef, TensorExpr> read) => expr.Accept(new ForwardRewriter(read));

    /// <summary>The fields <paramref name="expr"/> applies, outermost last.</summary>
    public static IReadOnlyList<string> Fields(TensorExpr expr)
    {
        var fields = new List<string>();
        expr.Accept(new ForwardRewriter(v => v) { _applied = fields });
        return fields;
    }

    public TensorExpr Variable(VariableRef variable) => _read(variable);

    public TensorExpr Apply(ApplyField apply)
    {
        var rewritten = apply with { Input = apply.Input.Accept(this), ExtraInputs = apply.ExtraInputs?.Select(e => e.Accept(this)).ToList() };
        _applied?.Add(apply.Field);
        return rewritten;
    }

    public TensorExpr Binary(TensorBinary binary) => binary with { Left = binary.Left.Accept(this), Right = binary.Right.Accept(this) };

    public TensorExpr Scale(TensorScale scale) => scale with { Tensor = scale.Tensor.Accept(this) };

    public TensorExpr Negate(TensorNegate negate) => negate with { Operand = negate.Operand.Accept(this) };

    public TensorExpr Concat(TensorConcat concat) => concat with { Items = concat.Items.Select(i => i.Accept(this)).ToList() };

    public TensorExpr Call(MethodCall call) =>
        call with { Operands = call.Operands.Select(o => o is TensorOperand t ? new TensorOperand(t.Tensor.Accept(this)) : o).ToList() };
}
