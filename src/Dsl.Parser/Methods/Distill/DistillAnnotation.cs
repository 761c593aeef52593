using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// Knowledge distillation (@distill), written on a model: <c>teacher</c> names another model
/// of the file, run in eval mode without gradients in every training step. The losses and
/// their weights: <c>soft</c>, cross-entropy to the teacher's softmax at <c>temperature</c>;
/// <c>hard</c>, DeiT's hard distillation: a distillation head (a copy of the classifier) learns
/// the teacher's argmax, the task loss weighted 1 − hard and the head's loss hard, the two
/// heads averaged at inference; <c>ranking</c>, the attention-ranking loss between student
/// and teacher attention, on <c>pairs</c> sampled key pairs per query (0: all pairs). Those are
/// <c>method: logits</c>, for classifiers. For generators, <c>method: features</c> matches the
/// student's named features to the teacher's through trained 1×1 convolutions (weight
/// <c>maps</c>), and <c>method: dcd</c> (discriminator-cooperated distillation) compares them
/// through <c>discriminator</c>'s feature <c>layer</c> (weight <c>dcd</c>), with that
/// discriminator trained alongside and <c>steps</c> student updates per teacher phase; both take
/// <c>style</c> (Gram) and <c>perceptual</c> terms on a trained network's features.
/// </summary>
public sealed class DistillAnnotation : AnnotationSchema<DistillSettings>
{
    public const string KindName = "distill";

    public override string Name => KindName;

    /// <summary>Each method's own arguments: written with another method they are CM0406.</summary>
    private static readonly Dictionary<string, string[]> OwnArguments = new()
    {
        ["logits"] = new[] { "soft", "temperature", "hard", "ranking", "pairs" },
        ["features"] = new[] { "maps", "style", "perceptual" },
        ["dcd"] = new[] { "discriminator", "layer", "dcd", "steps", "style", "perceptual" },
        ["drd"] = new[] { "tau", "mu1", "mu2", "drd" },
    };

    /// <summary>Each method's loss weights, of which one must be above 0 (CM0401).</summary>
    private static readonly Dictionary<string, string[]> LossWeights = new()
    {
        ["logits"] = new[] { "soft", "hard", "ranking" },
        ["features"] = new[] { "maps", "style", "perceptual" },
        ["dcd"] = new[] { "dcd", "style", "perceptual" },
        ["drd"] = new[] { "drd" },
    };

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Word("method", "logits", "features", "dcd", "drd"),
        new ParamSpec("teacher", ArgKind.Word, Required: true),
        ParamSpec.Float("soft", 0, min: 0),
        ParamSpec.Float("temperature", 1, min: 1e-3),
        ParamSpec.Float("hard", 0, min: 0, max: 1),
        ParamSpec.Float("ranking", 0, min: 0),
        ParamSpec.Int("pairs", 64, min: 0),
        new ParamSpec("discriminator", ArgKind.Word),
        new ParamSpec("layer", ArgKind.Word),
        ParamSpec.Float("maps", 1, min: 0),
        ParamSpec.Float("dcd", 1, min: 0),
        ParamSpec.Float("style", 0, min: 0),
        ParamSpec.Float("perceptual", 0, min: 0),
        ParamSpec.Int("steps", 1, min: 1),
        ParamSpec.Float("tau", 0.5, min: 0, max: 1),
        ParamSpec.Float("mu1", 2, min: 0),
        ParamSpec.Float("mu2", 5, min: 0),
        ParamSpec.Float("drd", 1, min: 0),
    };

    public override IReadOnlyCollection<string> Families { get; } = new string[0];

    public override bool OnModel => true;

    /// <summary>The model's distillation state.</summary>
    public override IReadOnlyCollection<string> ClassMembers { get; } = new[] { "distillation" };

    public override IReadOnlyCollection<string> RuntimeTypes { get; } =
        new[] { "DistillationState", "IDistilled", "GeneratorDistillation", "IDistilledGenerator", "DetectorDistillation", "IDistilledDetector" };

    protected override DistillSettings Bind(BoundArguments args) =>
        new(args.Word("method"), args.Word("teacher"), args.Scalar("soft")!.Concrete, args.Scalar("temperature")!.Concrete, args.Scalar("hard")!.Concrete,
            args.Scalar("ranking")!.Concrete, args.Scalar("pairs")!.AsLong, OptionalWord(args, "discriminator"), OptionalWord(args, "layer"),
            args.Scalar("maps")!.Concrete, args.Scalar("dcd")!.Concrete, args.Scalar("style")!.Concrete, args.Scalar("perceptual")!.Concrete,
            args.Scalar("steps")!.AsLong, args.Scalar("tau")!.Concrete, args.Scalar("mu1")!.Concrete, args.Scalar("mu2")!.Concrete,
            args.Scalar("drd")!.Concrete);

    private static string? OptionalWord(BoundArguments args, string name) => args[name].Value is WordValue w ? w.Word : null;

    /// <summary>The teacher, and DCD's discriminator, must be other models of this file.</summary>
    protected override AnnotationProblem? CheckOnModel(DistillSettings s, ModelScope model)
    {
        if (s.Discriminator is { } discriminator && (discriminator == model.Name || discriminator == s.Teacher || !model.ModelNames.Contains(discriminator)))
        {
            var why = discriminator == model.Name ? "is the student itself" : discriminator == s.Teacher ? "is the teacher" :
                model.BlockNames.Contains(discriminator) ? "is a block" : "names no model";
            return new($"DCD's discriminator must be another model of this file, but '{discriminator}' {why}{Suggestions.DidYouMean(discriminator, model.ModelNames.Where(m => m != model.Name && m != s.Teacher))}",
                "discriminator", DistillDiagnostics.DiscriminatorNotModel);
        }
        var teacher = s.Teacher;
        if (teacher == model.Name)
            return new($"model '{teacher}' cannot be its own teacher; name another model of this file", "teacher", DistillDiagnostics.OwnTeacher);
        if (model.ModelNames.Contains(teacher)) return null;
        var kind = model.BlockNames.Contains(teacher) ? $"'{teacher}' is a block" : $"'{teacher}' names no model";
        return new($"the teacher must be a model of this file, but {kind}{Suggestions.DidYouMean(teacher, model.ModelNames.Where(m => m != model.Name))}",
            "teacher", DistillDiagnostics.TeacherNotModel);
    }

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        var method = args.Word("method");
        foreach (var name in OwnArguments.Values.SelectMany(a => a).Distinct())
        {
            if (!args.IsExplicit(name) || OwnArguments[method].Contains(name)) continue;
            var owners = OwnArguments.Where(kv => kv.Value.Contains(name)).Select(kv => kv.Key).ToList();
            return new($"{name} belongs to method: {string.Join(" or ", owners)}, but this @distill uses method: {method}", name, DistillDiagnostics.OtherMethodsArgument);
        }
        if (method == "dcd" && (!args.IsExplicit("discriminator") || !args.IsExplicit("layer")))
            return new($"DCD compares the generators' features through a discriminator: name it and its feature, such as @distill(method: dcd, teacher: Teacher, discriminator: PatchDiscriminator, layer: hidden)",
                args.IsExplicit("discriminator") ? "layer" : null, DistillDiagnostics.NoDiscriminator);
        var weights = LossWeights[method];
        if (weights.Any(w => args.Scalar(w)!.Concrete != 0)) return null;
        var list = weights.Length == 1 ? weights[0] + ":" : $"{string.Join(", ", weights.Take(weights.Length - 1).Select(w => w + ":"))} or {weights[weights.Length - 1]}:";
        return new($"@distill needs at least one loss weight: {list}, such as @distill({(method == "logits" ? "" : $"method: {method}, ")}teacher: Teacher, {weights[0]}: 1)",
            Descriptor: DistillDiagnostics.NoLoss);
    }

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => DistillDiagnostics.All;

    /// <summary>
    /// Adds the model's distillation state and, for hard distillation, DeiT's distillation head:
    /// a copy of the classifier that produces the output, on the same features, named
    /// {classifier}_dist; forward returns the classifier's logits in training (the head's kept
    /// for the loss) and their mean in eval.
    /// </summary>
    protected override TensorValue? AssembleModel(ModelAssembly model, DistillSettings s, BoundArguments args, TensorValue output)
    {
        if (s.Method == "drd") return AssembleDetector(model, s, args, output);
        if (s.ForGenerator) return AssembleGenerator(model, s, args, output);
        if (s.Hard > 0)
        {
            // The output is the variable the last statement assigned, or an expression.
            var last = output.Code is VariableRef v ? model.Forward.LastOrDefault(s => s.Variable == v.Name) : null;
            var producer = last?.Value ?? output.Code;
            if (producer is not ApplyField classifier || !LayerCatalog.Has(classifier.Layer, LayerTraits.Dense) ||
                model.Fields.FirstOrDefault(f => f.Name == classifier.Field) is not { } field)
            {
                model.Diagnostics.Report(DistillDiagnostics.NoClassifier, args.SpanOf("hard"),
                    "hard distillation trains a distillation head beside the classifier, so the model's output must come straight from a linear layer (its classifier)");
                return null;
            }
            var twin = field.Name + "_dist";
            if (model.IsTaken(twin))
            {
                model.Diagnostics.Report(DistillDiagnostics.HeadNameTaken, args.SpanOf("hard"), $"the distillation head would be named '{twin}', which this model already uses; rename the classifier with 'as'");
                return null;
            }
            model.Fields.Add(new FieldModel(twin, field.Construction, field.Annotations));
            var cost = model.Costs.Last(c => c.Path == model.PathPrefix + field.Name);
            model.Costs.Add(cost with { Path = model.PathPrefix + twin, Notes = cost.Notes.Concat(new[] { "distillation head" }).ToList() });
            var heads = new MethodCall("distillation", "Heads",
                new CallOperand[] { new NameOperand(field.Name), new NameOperand(twin), new TensorOperand(classifier.Input), new TrainingOperand() });
            if (last != null) model.Forward[model.Forward.IndexOf(last)] = last with { Value = heads };
            else output = output with { Code = heads };
        }
        model.Members.Add(new MethodMember("distillation", "DistillationState",
            new[]
            {
                new ConstructionArg("teacher", new TypeCode(s.Teacher)), new ConstructionArg("soft", new RealCode(s.Soft)),
                new ConstructionArg("temperature", new RealCode(s.Temperature)), new ConstructionArg("hard", new RealCode(s.Hard)),
                new ConstructionArg("ranking", new RealCode(s.Ranking)), new ConstructionArg("pairs", new ScalarCode(ScalarExpr.Int(s.Pairs))),
            },
            "@distill: the teacher model, the weights of the distillation losses, the distillation head's logits.",
            "Distillation", "What Distiller reads: the teacher, the loss weights, the distillation head's latest logits.", Interface: "IDistilled"));
        return output;
    }

    /// <summary>A distilled generator holds its <c>GeneratorDistillation</c>; it must name the features that are distilled.</summary>
    private static TensorValue? AssembleGenerator(ModelAssembly model, DistillSettings s, BoundArguments args, TensorValue output)
    {
        if (model.Features.Count == 0)
        {
            model.Diagnostics.Report(DistillDiagnostics.NoFeatures, args.SpanOf("method"),
                $"method: {s.Method} distils the generator at its named features, but it names none; name them in the student and the teacher, such as 'feature down: h'");
            return null;
        }
        ArgCode Name(string? word) => word is null ? new NullCode() : new WordCode(word);
        model.Members.Add(new MethodMember("distillation", "GeneratorDistillation",
            new[]
            {
                new ConstructionArg("teacher", new TypeCode(s.Teacher)), new ConstructionArg("method", new WordCode(s.Method)),
                new ConstructionArg("discriminator", s.Discriminator is null ? new NullCode() : new TypeCode(s.Discriminator)),
                new ConstructionArg("layer", Name(s.Layer)), new ConstructionArg("maps", new RealCode(s.Maps)), new ConstructionArg("dcd", new RealCode(s.Dcd)),
                new ConstructionArg("style", new RealCode(s.Style)), new ConstructionArg("perceptual", new RealCode(s.Perceptual)),
                new ConstructionArg("steps", new ScalarCode(ScalarExpr.Int(s.Steps))),
            },
            $"@distill(method: {s.Method}): the teacher, the discriminator, the loss weights and the student updates per teacher phase.",
            "Distillation", "What a GAN recipe reads to distil this generator: give the trained teacher with From(...).", Interface: "IDistilledGenerator"));
        return output;
    }

    /// <summary>A distilled detector (DRD) holds its <c>DetectorDistillation</c>; its named features are the decoder features distilled.</summary>
    private static TensorValue? AssembleDetector(ModelAssembly model, DistillSettings s, BoundArguments args, TensorValue output)
    {
        if (model.Features.Count == 0)
        {
            model.Diagnostics.Report(DistillDiagnostics.NoFeatures, args.SpanOf("method"),
                "method: drd distils the detector's decoder features, but it names none; name them in the student and the teacher, such as 'feature queries: h'");
            return null;
        }
        model.Members.Add(new MethodMember("distillation", "DetectorDistillation",
            new[]
            {
                new ConstructionArg("teacher", new TypeCode(s.Teacher)), new ConstructionArg("tau", new RealCode(s.Tau)),
                new ConstructionArg("mu1", new RealCode(s.Mu1)), new ConstructionArg("mu2", new RealCode(s.Mu2)), new ConstructionArg("drd", new RealCode(s.Drd)),
            },
            "@distill(method: drd): the teacher, foreground-aware matching's τ, μ₁, μ₂ and the weight of L_DRD.",
            "Distillation", "What the detection trainer reads to distil this detector: give the trained teacher with From(...).", Interface: "IDistilledDetector"));
        return output;
    }
}
