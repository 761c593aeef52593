using System.Collections.Generic;

namespace Dsl.Parser.Semantics;

/// <summary>
/// What the emitter needs to write one generated class: constructor parameters, one field per
/// layer with how to construct it, and forward as a list of assignments. Built by the binder
/// from a model or block; knows nothing of C# syntax beyond names and scalar expressions.
/// </summary>
public sealed record ClassModel(
    string Name,
    bool IsModel,
    TokenStateModel? TokenState,
    DistillationModel? Distillation,
    IReadOnlyList<CtorParameter> Parameters,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<FieldModel> Fields,
    IReadOnlyList<ForwardStatement> Forward,
    TensorExpr Output,
    string SourcePath,
    int SourceLine);

public sealed record CtorParameter(string Name, ScalarType Type, ScalarExpr? Default, CtorParameterKind Kind);

public enum CtorParameterKind
{
    /// <summary>A parameter of the model or block.</summary>
    Declared,

    /// <summary>A block's input dimension that its layers' sizes depend on.</summary>
    InputDimension,

    /// <summary>The block's share of a @tokens schedule (null when the block is used without one).</summary>
    TokenBlock,
}

public sealed record FieldModel(string Name, Construction Construction, IReadOnlyList<AppliedAnnotation> Annotations);

public enum FieldStyle
{
    /// <summary>A Module&lt;Tensor, Tensor&gt; field, applied with forward.</summary>
    Module,

    /// <summary>A Parameter field (cls_token, pos_embed), applied by a runtime Ops function.</summary>
    Parameter,
}

public abstract record Construction;

public sealed record LayerConstruction(string Layer, FieldStyle Style, IReadOnlyList<ConstructionArg> Args) : Construction;

public sealed record BlockConstruction(string Block, IReadOnlyList<ConstructionArg> Args) : Construction;

/// <summary>The copies of a repeat, in order; the emitter writes a loop where copies agree.</summary>
public sealed record RepeatConstruction(ScalarExpr Count, IReadOnlyList<Construction> Copies) : Construction;

/// <summary>
/// A layer built with a compression annotation's runtime object: Layers.Linear(...,
/// compression: Compression.Quant(w: 4, ...)); <paramref name="Variant"/> names the setting in
/// block class names (W4A4).
/// </summary>
public sealed record CompressedConstruction(LayerConstruction Layer, string Function, IReadOnlyList<ConstructionArg> Args, string Variant) : Construction;

/// <summary>Several stages in one repeat copy: a Sequential with named children.</summary>
public sealed record SequenceConstruction(IReadOnlyList<NamedConstruction> Children) : Construction;

public sealed record NamedConstruction(string Name, Construction Construction);

public sealed record ConstructionArg(string Name, ArgCode Value);

public abstract record ArgCode;

public sealed record ScalarCode(ScalarExpr Expr) : ArgCode;

public sealed record WordCode(string Word) : ArgCode;

public sealed record ListCode(IReadOnlyList<ScalarExpr> Items) : ArgCode;

/// <summary>A call of a runtime function with named arguments, such as Compression.Quant(w: 4, a: 4, ...).</summary>
public sealed record CallCode(string Function, IReadOnlyList<ConstructionArg> Args) : ArgCode;

/// <summary>An optional argument left out: null in C#.</summary>
public sealed record NullCode : ArgCode;

/// <summary>A constructor parameter passed through, such as a block's token schedule.</summary>
public sealed record ReferenceCode(string Name) : ArgCode;

/// <summary>
/// One block's @tokens schedule: fixed kept counts, or learned ones (over the block's
/// <paramref name="Patches"/> patch tokens at <paramref name="Granularity"/>). Learned stacks
/// carry every block's cost so the expected MACs can be computed while training;
/// <paramref name="Reduce"/> says which reductions learn (both, prune or merge).
/// </summary>
public sealed record TokenBlockCode(long Prune, long Merge, bool Learned, long Patches, long Granularity, TokenCostModel? Cost, string Reduce = "both") : ArgCode;

/// <summary>A block's MACs for N tokens: PerToken·N + PerTokenPair·N² before the reduction, PerTokenAfter·N after it.</summary>
public sealed record TokenCostModel(double PerToken, double PerTokenPair, double PerTokenAfter);

/// <summary>
/// A model's @distill: the teacher model's class and the loss weights; with hard distillation,
/// the classifier field whose copy <c>{Head}_dist</c> is the distillation head.
/// </summary>
public sealed record DistillationModel(string Teacher, double Soft, double Temperature, double Hard, double Ranking, long Pairs, string? Head);

/// <summary>The token state a class with a @tokens stack holds: MACs outside the stack, and the learned rates' target (0 for fixed).</summary>
public sealed record TokenStateModel(double FixedMacs, double TargetMacs);

public sealed record ForwardStatement(string Variable, bool Declare, TensorExpr Value);

public abstract record TensorExpr
{
    /// <summary>The constructor parameters this expression reads (a scale, a block's token schedule).</summary>
    public void CollectSymbols(ISet<string> into)
    {
        switch (this)
        {
            case TensorScale s: s.Scalar.CollectSymbols(into); s.Tensor.CollectSymbols(into); break;
            case TensorBinary b: b.Left.CollectSymbols(into); b.Right.CollectSymbols(into); break;
            case TensorNegate n: n.Operand.CollectSymbols(into); break;
            case ApplyField f:
                f.Input.CollectSymbols(into);
                foreach (var extra in f.ExtraInputs ?? new TensorExpr[0]) extra.CollectSymbols(into);
                break;
            case TensorConcat c: foreach (var i in c.Items) i.CollectSymbols(into); break;
            case TokensStart t: t.Input.CollectSymbols(into); break;
            case TokensReduce t: into.Add("tokens"); t.Input.CollectSymbols(into); break;
            case DistilledHeads d: d.Input.CollectSymbols(into); break;
        }
    }
}

public sealed record VariableRef(string Name) : TensorExpr;

/// <summary>A field applied to its input; a block with several inputs takes the others as <see cref="ExtraInputs"/>.</summary>
public sealed record ApplyField(string Field, FieldStyle Style, string Layer, TensorExpr Input, IReadOnlyList<TensorExpr>? ExtraInputs = null) : TensorExpr;

public sealed record ApplyRepeat(string Field, TensorExpr Input) : TensorExpr;

public sealed record TensorBinary(char Operator, TensorExpr Left, TensorExpr Right) : TensorExpr;

public sealed record TensorScale(char Operator, TensorExpr Tensor, ScalarExpr Scalar, bool ScalarOnLeft) : TensorExpr;

public sealed record TensorNegate(TensorExpr Operand) : TensorExpr;

public sealed record TensorConcat(IReadOnlyList<TensorExpr> Items, long Dim) : TensorExpr;

/// <summary>Starts a @tokens stack: every token represents one patch.</summary>
public sealed record TokensStart(TensorExpr Input) : TensorExpr;

/// <summary>Prunes and merges tokens after a block's attention (DiffRate).</summary>
public sealed record TokensReduce(TensorExpr Input) : TensorExpr;

/// <summary>
/// The classifier and its distillation head on the same features (DeiT): in training the
/// classifier's logits, with the head's kept for the distillation loss; in eval their mean.
/// </summary>
public sealed record DistilledHeads(string Head, string DistillationHead, TensorExpr Input) : TensorExpr;

/// <summary>An annotation in force on a layer, with its checked arguments (typed: ints, floats, flags, words, lists).</summary>
public sealed record AppliedAnnotation(string Kind, IReadOnlyList<KeyValuePair<string, Value>> Arguments);
