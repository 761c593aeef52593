using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>DDA's diagnostics (@dynamic): ids CM1001 onwards.</summary>
public static class DynamicDiagnostics
{
    public static readonly DiagnosticDescriptor BadWidths = DiagnosticDescriptor.Error("CM1001", "Widths out of range or repeated");
    public static readonly DiagnosticDescriptor InconsistentWidths = DiagnosticDescriptor.Error("CM1002", "Shapes that disagree at a width");
    public static readonly DiagnosticDescriptor UnsupportedLayer = DiagnosticDescriptor.Error("CM1003", "Layer a dynamic network cannot slim");
    public static readonly DiagnosticDescriptor NoChannels = DiagnosticDescriptor.Error("CM1004", "A width that leaves no channel");
    public static readonly DiagnosticDescriptor NotAnImageModel = DiagnosticDescriptor.Error("CM1005", "Dynamic model without an image input");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { BadWidths, InconsistentWidths, UnsupportedLayer, NoChannels, NotAnImageModel };
}
