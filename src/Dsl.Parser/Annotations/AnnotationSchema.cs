using System.Collections.Generic;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Annotations;

/// <summary>
/// A compression annotation kind (@quant, @sparse, ...): its arguments, the layer families it
/// applies to, whether it flows from a header or block call to the eligible layers inside, how
/// it changes a layer's cost, and the runtime function that converts an annotated layer. Each
/// method issue adds one.
/// </summary>
public abstract class AnnotationSchema
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<ParamSpec> Parameters { get; }

    /// <summary>Layer families (LayerSpec.Family) it applies to.</summary>
    public abstract IReadOnlyCollection<string> Families { get; }

    /// <summary>Placed on a model, block or call, it applies to every eligible layer inside.</summary>
    public virtual bool Inherited => true;

    /// <summary>It configures the model it is written on (a teacher, say), not its layers.</summary>
    public virtual bool OnModel => false;

    /// <summary>
    /// Written on a model header only, it reaches the model's layers and also completes the
    /// model (<see cref="AssembleModel"/>): @multibit marks where its branched body starts and ends.
    /// </summary>
    public virtual bool WholeModel => false;

    /// <summary>
    /// Where it is written when it reaches its layers only from above (DiffRate's "a repeat of
    /// transformer blocks, or a model that has one"); null when it may sit on a layer itself.
    /// </summary>
    public virtual string? OnlyAbove => null;

    /// <summary>Names the generated class takes for the method's state (tokens, distillation): a layer of a declaration using the kind cannot take them.</summary>
    public virtual IReadOnlyCollection<string> ClassMembers => System.Array.Empty<string>();

    /// <summary>The runtime types the method's generated code names (TokenState, TokenBlock): no model or block may take these names.</summary>
    public virtual IReadOnlyCollection<string> RuntimeTypes => System.Array.Empty<string>();

    /// <summary>
    /// The runtime function that converts an annotated layer, called as
    /// <c>Function(layer, every argument by name)</c>; null when the kind needs no conversion.
    /// </summary>
    public virtual string? RuntimeFunction => null;

    /// <summary>
    /// Where its conversion goes among those of the other methods on a layer, lowest first:
    /// masks (0) before quantizers (1), so a sparse layer's kept weights are what is quantized.
    /// </summary>
    public virtual int ConversionOrder => 1;

    /// <summary>
    /// For a <see cref="WholeModel"/> kind, the arguments a layer of the model's own body may set
    /// for itself (@dynamic(slim: inputs) on the last convolution); the layer takes the others from
    /// the model's header. Empty: the kind is written on the header alone.
    /// </summary>
    public virtual IReadOnlyCollection<string> LayerArguments => System.Array.Empty<string>();

    /// <summary>The kinds that cannot reach the same layer as this one (both set the bit-width, say): CM0039 where they meet.</summary>
    public virtual IReadOnlyCollection<string> ConflictsWith => System.Array.Empty<string>();

    /// <summary>What a block class compressed this way is called after its name (ViTBlockW4A4, BinaryUnitRebnn).</summary>
    public virtual string VariantName(BoundArguments args) => KindVariant;

    /// <summary>The kind's name as a class-name suffix (Prune), the variant of a kind without settings of note.</summary>
    protected string KindVariant => char.ToUpperInvariant(Name[0]) + Name.Substring(1);

    /// <summary>Extra checks across arguments; a problem located at one argument, or null.</summary>
    public virtual AnnotationProblem? Validate(BoundArguments args) => null;

    /// <summary>For a kind written on a model (<see cref="OnModel"/>): whether its arguments fit that model and its file; a problem or null.</summary>
    public virtual AnnotationProblem? CheckOnModel(BoundArguments args, ModelScope model) => null;

    /// <summary>
    /// For a kind written on a model (<see cref="OnModel"/>, <see cref="WholeModel"/>): completes the bound model (@distill adds its state and,
    /// for hard distillation, a distillation head) and returns its output, or null after
    /// reporting why it cannot.
    /// </summary>
    public virtual TensorValue? AssembleModel(ModelAssembly model, BoundArguments args, TensorValue output) => output;

    /// <summary>
    /// The repeat phase, for a kind in force over a repeat: its plan for the stack, one share per
    /// copy (DiffRate's schedule), or null when it does not plan this repeat (or after
    /// <see cref="RepeatSite.Fail"/>). A planned kind is used there, and blocks inside the
    /// stack's blocks do not inherit it.
    /// </summary>
    public virtual StackPlan? PlanStack(RepeatSite site) => null;

    /// <summary>Whether these arguments fit a layer of this family (some settings suit only some layers); a problem or null.</summary>
    public virtual AnnotationProblem? CheckTarget(BoundArguments args, string family) => null;

    /// <summary>
    /// Whether the method can apply to this layer as it is bound (its shapes and weights: an N:M
    /// pattern needs a reduced dimension divisible by M); a problem, reported at the layer with
    /// its path, or null.
    /// </summary>
    public virtual AnnotationProblem? CheckLayer(BoundArguments args, LayerContext layer) => null;

    /// <summary>
    /// For a kind that computes only some layers of its families (@winograd: stride-1 3×3×3
    /// conv3d): why it leaves this layer as it is, or null. A layer that inherits the annotation
    /// from a block or model header stays as written, with the reason as a note in cmodel cost; on
    /// a layer the annotation is written on, the reason is an error there.
    /// </summary>
    public virtual AnnotationProblem? Declines(BoundArguments args, LayerContext layer) => null;

    /// <summary>The figures this method adds to cost reports (BOPs, density, ...), each set by its <see cref="AdjustCost"/>.</summary>
    public virtual IReadOnlyList<CostMetric> Metrics => System.Array.Empty<CostMetric>();

    /// <summary>The diagnostics this method reports, in its own block of ids (docs/adding-a-method.md).</summary>
    public virtual IReadOnlyList<DiagnosticDescriptor> Diagnostics => System.Array.Empty<DiagnosticDescriptor>();

    /// <summary>
    /// The cost extension point: the method's own counting (BOPs, density, kept tokens, the
    /// parameters it adds), from the annotation's <paramref name="args"/> and the layer it
    /// counts (<paramref name="layer"/>: its traits, weight layers and arguments).
    /// </summary>
    public virtual LayerCost AdjustCost(LayerCost cost, BoundArguments args, LayerContext layer) => cost;
}

/// <summary>
/// The layer an annotation's cost rule counts: what it is (its traits), its input, its own
/// output, MACs and parameters before any method, and its checked arguments.
/// </summary>
public sealed record LayerContext(LayerSpec Spec, BoundArguments Args, Shape Input, LayerResult Result, IReadOnlyDictionary<string, Shape>? Sides = null)
{
    /// <summary>The weight layers inside it (null for a layer without weights).</summary>
    public WeightLayers? Weights => Spec.Weights(Input, Result, Args);

    /// <summary>Of its MACs, those that multiply two activations (attention's Q·Kᵀ and A·V).</summary>
    public long ActivationProducts => Spec.ActivationProducts(Result.Output, Sides ?? new Dictionary<string, Shape>());
}

/// <summary>What a model-level annotation may check: the model it is written on and the other declarations of its file.</summary>
public sealed record ModelScope(string Name, IReadOnlyCollection<string> ModelNames, IReadOnlyCollection<string> BlockNames);

/// <summary>
/// What is wrong with an annotation's arguments, which argument to point at (null: the whole
/// annotation), and the method's diagnostic for it (null: the generic CM0031).
/// </summary>
public sealed record AnnotationProblem(string Message, string? Argument = null, DiagnosticDescriptor? Descriptor = null);
