using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>Binarization's diagnostics (@binarize: plain, ReBNN, Bi-ViT): ids CM0301 onwards.</summary>
public static class BinarizeDiagnostics
{
    public static readonly DiagnosticDescriptor NothingBinarized = DiagnosticDescriptor.Error("CM0301", "Nothing binarized");
    public static readonly DiagnosticDescriptor OtherMethodsArgument = DiagnosticDescriptor.Error("CM0302", "Argument of another method");
    public static readonly DiagnosticDescriptor LayerNotSupported = DiagnosticDescriptor.Error("CM0303", "Method cannot binarize this layer");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { NothingBinarized, OtherMethodsArgument, LayerNotSupported };
}
