using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Text;

namespace Dsl.Parser.Annotations;

/// <summary>
/// A repeat of blocks with a method in force that plans a stack as a whole (DiffRate's
/// schedule): what the method may look at before any copy is bound
/// (<see cref="AnnotationSchema.PlanStack"/>).
/// </summary>
public sealed class RepeatSite
{
    private readonly Func<LayerTraits, bool> _contains;

    internal RepeatSite(BoundAnnotation annotation, long copies, Shape input, string prefix, bool oneBlockPerCopy,
        Func<LayerTraits, bool> contains, DiagnosticBag diagnostics)
    {
        Annotation = annotation;
        Copies = copies;
        Input = input;
        Prefix = prefix;
        OneBlockPerCopy = oneBlockPerCopy;
        _contains = contains;
        Diagnostics = diagnostics;
    }

    public BoundAnnotation Annotation { get; }

    public long Copies { get; }

    /// <summary>The tensor entering the first copy.</summary>
    public Shape Input { get; }

    /// <summary>What the cost rows of the stack's layers start with ("blocks.").</summary>
    public string Prefix { get; }

    /// <summary>Whether each copy is one call of a block, as in <c>repeat(12) { EncoderBlock(384, 6) }</c>.</summary>
    public bool OneBlockPerCopy { get; }

    public DiagnosticBag Diagnostics { get; }

    /// <summary>Whether the method reported why the stack cannot take it.</summary>
    public bool Failed { get; private set; }

    /// <summary>Reports a problem with the annotation (at a span of its own file) and marks the plan failed.</summary>
    public void Fail(DiagnosticDescriptor descriptor, TextSpan span, params object[] args)
    {
        Diagnostics.Report(Annotation.Source, descriptor, span, args);
        Failed = true;
    }

    /// <summary>Whether a layer with this trait is in the body, inside its blocks included.</summary>
    public bool Contains(LayerTraits trait) => _contains(trait);
}

/// <summary>A method's plan for a stack of repeated blocks: a share per copy, and the state the class holding the stack keeps.</summary>
public abstract class StackPlan
{
    /// <summary>Copy <paramref name="copy"/>'s share, handed to the binder of its block.</summary>
    public abstract BlockShare ShareOf(int copy);

    /// <summary>The stack's input as its first block receives it.</summary>
    public virtual TensorExpr Enter(TensorExpr input) => input;

    /// <summary>
    /// The state the class holding the stack keeps, from all of that class's cost rows (the
    /// copies' shares are bound by now); null when there is none, or after reporting why not.
    /// </summary>
    public virtual MethodMember? ClassMember(IReadOnlyList<LayerCost> costs, DiagnosticBag diagnostics) => null;
}

/// <summary>
/// One copy's share of a stack plan, which follows the binding of its block: it may add
/// arguments to the block's layers, rewrite the tensor a statement binds, and completes the
/// block's construction with the object its class takes as a constructor parameter.
/// </summary>
public abstract class BlockShare
{
    protected BlockShare(BoundAnnotation annotation) => Annotation = annotation;

    public BoundAnnotation Annotation { get; }

    /// <summary>The block class's constructor parameter for the share (null when the block is used without it), and its runtime type.</summary>
    public abstract (string Name, string RuntimeType) Parameter { get; }

    /// <summary>Arguments a layer of the block gets besides its own.</summary>
    public virtual IEnumerable<ConstructionArg> LayerArguments(LayerSpec spec) => Enumerable.Empty<ConstructionArg>();

    /// <summary>The tensor a statement of the block binds, as the share changes it; null after reporting why it cannot.</summary>
    public virtual TensorValue? AfterStatement(StatementSite statement) => statement.Value;

    /// <summary>The argument the block's construction passes for <see cref="Parameter"/>, or null after reporting why there is none.</summary>
    public abstract ArgCode? Complete(BlockSite block);
}

/// <summary>A statement of a block bound under a share: <c>h = x + (x -> attention(6))</c>.</summary>
public sealed class StatementSite
{
    private readonly Action<TensorExpr> _assign;

    internal StatementSite(string name, TensorValue value, TextSpan span, IReadOnlyList<LayerSpec> layers, int costRows, Action<TensorExpr> assign, DiagnosticBag diagnostics)
    {
        Name = name;
        Value = value;
        Span = span;
        Layers = layers;
        CostRows = costRows;
        _assign = assign;
        Diagnostics = diagnostics;
    }

    /// <summary>The variable it binds.</summary>
    public string Name { get; }

    public TensorValue Value { get; }

    public TextSpan Span { get; }

    /// <summary>The layers it applies.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>How many cost rows the block has after this statement.</summary>
    public int CostRows { get; }

    public DiagnosticBag Diagnostics { get; }

    /// <summary>Reassigns the variable in forward: <c>name = value</c>.</summary>
    public void Assign(TensorExpr value) => _assign(value);
}

/// <summary>A block bound under a share, before its construction is made: the call's input, the block's output and cost rows.</summary>
public sealed class BlockSite
{
    internal BlockSite(string name, string pathPrefix, Shape input, Shape output, List<LayerCost> costs, DiagnosticBag diagnostics)
    {
        Name = name;
        PathPrefix = pathPrefix;
        Input = input;
        Output = output;
        Costs = costs;
        Diagnostics = diagnostics;
    }

    public string Name { get; }

    /// <summary>What the block's cost rows start with ("blocks.3.").</summary>
    public string PathPrefix { get; }

    /// <summary>The tensor the call passes.</summary>
    public Shape Input { get; }

    public Shape Output { get; }

    /// <summary>The block's cost rows; a share may add its own (learned parameters, say).</summary>
    public List<LayerCost> Costs { get; }

    public DiagnosticBag Diagnostics { get; }
}
