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
/// <param name="input">The tensor entering the first copy.</param>
/// <param name="prefix">What the cost rows of the stack's layers start with ("blocks.").</param>
/// <param name="oneBlockPerCopy">Whether each copy is one call of a block, as in <c>repeat(12) { EncoderBlock(384, 6) }</c>.</param>
public sealed class RepeatSite(BoundAnnotation annotation, long copies, Shape input, string prefix, bool oneBlockPerCopy,
    Func<LayerTraits, bool> contains, DiagnosticBag diagnostics)
{
    public BoundAnnotation Annotation => annotation;

    public long Copies => copies;

    public Shape Input => input;

    public string Prefix => prefix;

    public bool OneBlockPerCopy => oneBlockPerCopy;

    public DiagnosticBag Diagnostics => diagnostics;

    /// <summary>Whether the method reported why the stack cannot take it.</summary>
    public bool Failed { get; private set; }

    /// <summary>Reports a problem with the annotation (at a span of its own file) and marks the plan failed.</summary>
    public void Fail(DiagnosticDescriptor descriptor, TextSpan span, params object[] args)
    {
        Diagnostics.Report(Annotation.Source, descriptor, span, args);
        Failed = true;
    }

    /// <summary>Whether a layer with this trait is in the body, inside its blocks included.</summary>
    public bool Contains(LayerTraits trait) => contains(trait);
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
/// <param name="name">The variable it binds.</param>
/// <param name="layers">The layers it applies.</param>
/// <param name="costRows">How many cost rows the block has after this statement.</param>
public sealed class StatementSite(string name, TensorValue value, TextSpan span, IReadOnlyList<LayerSpec> layers, int costRows,
    Action<TensorExpr> assign, DiagnosticBag diagnostics)
{
    public string Name => name;

    public TensorValue Value => value;

    public TextSpan Span => span;

    public IReadOnlyList<LayerSpec> Layers => layers;

    public int CostRows => costRows;

    public DiagnosticBag Diagnostics => diagnostics;

    /// <summary>Reassigns the variable in forward: <c>name = value</c>.</summary>
    public void Assign(TensorExpr expression) => assign(expression);
}

/// <summary>A block bound under a share, before its construction is made: the call's input, the block's output and cost rows.</summary>
/// <param name="pathPrefix">What the block's cost rows start with ("blocks.3.").</param>
/// <param name="input">The tensor the call passes.</param>
/// <param name="costs">The block's cost rows; a share may add its own (learned parameters, say).</param>
public sealed class BlockSite(string name, string pathPrefix, Shape input, Shape output, List<LayerCost> costs, DiagnosticBag diagnostics)
{
    public string Name => name;

    public string PathPrefix => pathPrefix;

    public Shape Input => input;

    public Shape Output => output;

    public List<LayerCost> Costs => costs;

    public DiagnosticBag Diagnostics => diagnostics;
}
