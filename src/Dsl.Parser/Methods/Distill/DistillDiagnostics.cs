using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>Distillation's diagnostics (@distill): ids CM0401 onwards.</summary>
public static class DistillDiagnostics
{
    public static readonly DiagnosticDescriptor NoLoss = DiagnosticDescriptor.Error("CM0401", "No distillation loss");
    public static readonly DiagnosticDescriptor OwnTeacher = DiagnosticDescriptor.Error("CM0402", "Model is its own teacher");
    public static readonly DiagnosticDescriptor TeacherNotModel = DiagnosticDescriptor.Error("CM0403", "Teacher is not a model of the file");
    public static readonly DiagnosticDescriptor NoClassifier = DiagnosticDescriptor.Error("CM0404", "Hard distillation needs a linear classifier");
    public static readonly DiagnosticDescriptor HeadNameTaken = DiagnosticDescriptor.Error("CM0405", "Distillation head name taken");

    public static readonly DiagnosticDescriptor OtherMethodsArgument = DiagnosticDescriptor.Error("CM0406", "Argument of another distillation method");
    public static readonly DiagnosticDescriptor NoDiscriminator = DiagnosticDescriptor.Error("CM0407", "DCD without a discriminator");
    public static readonly DiagnosticDescriptor DiscriminatorNotModel = DiagnosticDescriptor.Error("CM0408", "Discriminator is not a model of the file");
    public static readonly DiagnosticDescriptor NoFeatures = DiagnosticDescriptor.Error("CM0409", "Generator distillation without named features");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        new[] { NoLoss, OwnTeacher, TeacherNotModel, NoClassifier, HeadNameTaken, OtherMethodsArgument, NoDiscriminator, DiscriminatorNotModel, NoFeatures };
}
