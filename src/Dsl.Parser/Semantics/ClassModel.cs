using System.Collections.Generic;

namespace Dsl.Parser.Semantics;

/// <summary>
/// What the emitter needs to write one generated class: constructor parameters, one field per
/// layer with how to construct it, forward as a list of assignments, and its output (or named
/// outputs) and named features. Built by the binder
/// from a model or block; knows nothing of C# syntax beyond names and scalar expressions.
/// </summary>
public sealed record ClassModel(
    string Name,
    bool IsModel,
    IReadOnlyList<MethodMember> Members,
    IReadOnlyList<CtorParameter> Parameters,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<FieldModel> Fields,
    IReadOnlyList<ForwardStatement> Forward,
    TensorExpr Output,
    string SourcePath,
    int SourceLine,
    IReadOnlyList<NamedTensor> NamedOutputs,
    IReadOnlyList<NamedTensor> Features);

/// <summary>
/// One of a model's named outputs (<c>output logits: ..., boxes: ...</c>; forward then returns
/// them together, <see cref="ClassModel.Output"/> being the first) or one of its named features
/// (<c>feature stem: h</c>, returned beside the output for distillation).
/// </summary>
public sealed record NamedTensor(string Name, TensorExpr Code);

/// <param name="RuntimeType">For a method's parameter, the runtime type it takes (TokenBlock?); it defaults to none.</param>
public sealed record CtorParameter(string Name, ScalarType Type, ScalarExpr? Default, CtorParameterKind Kind, string? RuntimeType = null);

public enum CtorParameterKind
{
    /// <summary>A parameter of the model or block.</summary>
    Declared,

    /// <summary>A block's input dimension that its layers' sizes depend on.</summary>
    InputDimension,

    /// <summary>A method's object for this block (its share of a @tokens schedule), of <see cref="CtorParameter.RuntimeType"/>; none when the block is used without the method.</summary>
    Method,
}

public sealed record FieldModel(string Name, Construction Construction, IReadOnlyList<AppliedAnnotation> Annotations);

public enum FieldStyle
{
    /// <summary>A Module&lt;Tensor, Tensor&gt; field, applied with forward.</summary>
    Module,

    /// <summary>A Parameter field (cls_token, pos_embed), applied by a runtime Ops function.</summary>
    Parameter,
}

/// <summary>
/// A back end's view of constructions: one method per kind, so that a new kind fails to
/// compile until every back end writes it.
/// </summary>
public interface IConstructionVisitor<out T>
{
    T Layer(LayerConstruction layer);

    T Block(BlockConstruction block);

    T Repeat(RepeatConstruction repeat);

    T Compressed(CompressedConstruction compressed);

    T Sequence(SequenceConstruction sequence);
}

public abstract record Construction
{
    public abstract T Accept<T>(IConstructionVisitor<T> visitor);
}

/// <summary>A layer built by its runtime factory; <see cref="Inputs"/> tensors go into its forward (more than one for a layer with tensor inputs).</summary>
public sealed record LayerConstruction(string Layer, FieldStyle Style, IReadOnlyList<ConstructionArg> Args, int Inputs = 1) : Construction
{
    public override T Accept<T>(IConstructionVisitor<T> visitor) => visitor.Layer(this);
}

public sealed record BlockConstruction(string Block, IReadOnlyList<ConstructionArg> Args) : Construction
{
    public override T Accept<T>(IConstructionVisitor<T> visitor) => visitor.Block(this);
}

/// <summary>The copies of a repeat, in order; the emitter writes a loop where copies agree.</summary>
public sealed record RepeatConstruction(ScalarExpr Count, IReadOnlyList<Construction> Copies) : Construction
{
    public override T Accept<T>(IConstructionVisitor<T> visitor) => visitor.Repeat(this);
}

/// <summary>
/// A layer built with the runtime objects of the compression methods that reach it, in the
/// order they apply (a mask before a quantizer): Layers.Linear(..., compression:
/// Compression.Quant(w: 4, ...)).
/// </summary>
public sealed record CompressedConstruction(LayerConstruction Layer, IReadOnlyList<Conversion> Conversions) : Construction
{
    public override T Accept<T>(IConstructionVisitor<T> visitor) => visitor.Compressed(this);
}

/// <summary>One method's conversion of a layer: its runtime call, and the setting's name in block class names (W4A4).</summary>
public sealed record Conversion(CallCode Call, string Variant);

/// <summary>Several stages in one repeat copy: a Sequential with named children.</summary>
public sealed record SequenceConstruction(IReadOnlyList<NamedConstruction> Children) : Construction
{
    public override T Accept<T>(IConstructionVisitor<T> visitor) => visitor.Sequence(this);
}

public sealed record NamedConstruction(string Name, Construction Construction);

public sealed record ConstructionArg(string Name, ArgCode Value);

/// <summary>A back end's view of constructor arguments, one method per kind (see <see cref="IConstructionVisitor{T}"/>).</summary>
public interface IArgCodeVisitor<out T>
{
    T Scalar(ScalarCode scalar);

    T Word(WordCode word);

    T List(ListCode list);

    T Call(CallCode call);

    T Null(NullCode none);

    T Reference(ReferenceCode reference);

    T New(NewCode create);

    T Real(RealCode real);

    T Type(TypeCode type);
}

public abstract record ArgCode
{
    public abstract T Accept<T>(IArgCodeVisitor<T> visitor);
}

public sealed record ScalarCode(ScalarExpr Expr) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Scalar(this);
}

public sealed record WordCode(string Word) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Word(this);
}

/// <summary>A list argument: ints (<c>long[]</c>), or reals (<c>double[]</c>) when <paramref name="Reals"/>.</summary>
public sealed record ListCode(IReadOnlyList<ScalarExpr> Items, bool Reals = false) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.List(this);
}

/// <summary>A call of a runtime function with named arguments, such as Compression.Quant(w: 4, a: 4, ...).</summary>
public sealed record CallCode(string Function, IReadOnlyList<ConstructionArg> Args) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Call(this);
}

/// <summary>An optional argument left out: null in C#.</summary>
public sealed record NullCode : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Null(this);
}

/// <summary>A constructor parameter passed through, such as a block's token schedule.</summary>
public sealed record ReferenceCode(string Name) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Reference(this);
}

/// <summary>A runtime object built from positional arguments, such as new TokenCost(256, 16, 256).</summary>
public sealed record NewCode(string Type, IReadOnlyList<ArgCode> Items) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.New(this);
}

/// <summary>A real number a method's state is built with, written so that it reads back exactly.</summary>
public sealed record RealCode(double Value) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Real(this);
}

/// <summary>A generated class passed as a type (@distill's teacher).</summary>
public sealed record TypeCode(string Class) : ArgCode
{
    public override T Accept<T>(IArgCodeVisitor<T> visitor) => visitor.Type(this);
}

/// <summary>
/// A method's state in a generated class: a field of the runtime <paramref name="Type"/> built
/// once with <paramref name="Args"/>, exposed by <paramref name="Property"/>; with an
/// <paramref name="Interface"/> the class implements (@distill's IDistilled).
/// </summary>
public sealed record MethodMember(string Field, string Type, IReadOnlyList<ConstructionArg> Args, string Summary,
    string Property, string PropertySummary, string? Interface = null);

public sealed record ForwardStatement(string Variable, bool Declare, TensorExpr Value);

/// <summary>A back end's view of forward's expressions, one method per kind (see <see cref="IConstructionVisitor{T}"/>).</summary>
public interface ITensorExprVisitor<out T>
{
    T Variable(VariableRef variable);

    T Apply(ApplyField apply);

    T Binary(TensorBinary binary);

    T Scale(TensorScale scale);

    T Negate(TensorNegate negate);

    T Concat(TensorConcat concat);

    T Call(MethodCall call);
}

public abstract record TensorExpr
{
    public abstract T Accept<T>(ITensorExprVisitor<T> visitor);

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
            case MethodCall m:
                foreach (var operand in m.Operands)
                {
                    if (operand is TensorOperand t) t.Tensor.CollectSymbols(into);
                    if (operand is NameOperand n) into.Add(n.Name);
                }
                break;
        }
    }
}

public sealed record VariableRef(string Name) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Variable(this);
}

/// <summary>A field applied to its input; a block with several inputs takes the others as <see cref="ExtraInputs"/>.</summary>
public sealed record ApplyField(string Field, FieldStyle Style, string Layer, TensorExpr Input, IReadOnlyList<TensorExpr>? ExtraInputs = null) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Apply(this);
}

public sealed record TensorBinary(char Operator, TensorExpr Left, TensorExpr Right) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Binary(this);
}

public sealed record TensorScale(char Operator, TensorExpr Tensor, ScalarExpr Scalar, bool ScalarOnLeft) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Scale(this);
}

public sealed record TensorNegate(TensorExpr Operand) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Negate(this);
}

/// <summary>Items joined along <paramref name="Dim"/>: concatenated, or with <paramref name="Stack"/> stacked along a new dimension there.</summary>
public sealed record TensorConcat(IReadOnlyList<TensorExpr> Items, long Dim, bool Stack = false) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Concat(this);
}

/// <summary>
/// A method's runtime function in forward: <c>Function</c> of the member or parameter
/// <c>Target</c> (a token state's Start), or a static one when Target is null
/// (TokenBlock.Reduce), with its operands in order.
/// </summary>
public sealed record MethodCall(string? Target, string Function, IReadOnlyList<CallOperand> Operands) : TensorExpr
{
    public override T Accept<T>(ITensorExprVisitor<T> visitor) => visitor.Call(this);
}

/// <summary>A back end's view of a method call's operands, one method per kind (see <see cref="IConstructionVisitor{T}"/>).</summary>
public interface ICallOperandVisitor<out T>
{
    T Tensor(TensorOperand tensor);

    T Name(NameOperand name);

    T Training(TrainingOperand training);
}

/// <summary>What a method's call in forward takes: a tensor, a field or parameter by name, or whether the model is training.</summary>
public abstract record CallOperand
{
    public abstract T Accept<T>(ICallOperandVisitor<T> visitor);
}

public sealed record TensorOperand(TensorExpr Tensor) : CallOperand
{
    public override T Accept<T>(ICallOperandVisitor<T> visitor) => visitor.Tensor(this);
}

public sealed record NameOperand(string Name) : CallOperand
{
    public override T Accept<T>(ICallOperandVisitor<T> visitor) => visitor.Name(this);
}

public sealed record TrainingOperand : CallOperand
{
    public override T Accept<T>(ICallOperandVisitor<T> visitor) => visitor.Training(this);
}

/// <summary>An annotation in force on a layer, with its checked arguments (typed: ints, floats, flags, words, lists).</summary>
public sealed record AppliedAnnotation(string Kind, IReadOnlyList<KeyValuePair<string, Value>> Arguments);
