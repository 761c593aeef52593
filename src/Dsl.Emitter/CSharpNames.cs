using System.Text;
using Dsl.Parser.Binding;

namespace Dsl.Emitter;

/// <summary>How .cmodel names appear in generated C#.</summary>
public static class CSharpNames
{
    /// <summary>A name as a C# identifier: keywords take an @ (the front end keeps them off class names, ReservedNames).</summary>
    public static string Escape(string name) => ReservedNames.CSharpKeywords.Contains(name) ? "@" + name : name;

    /// <summary>snake_case to camelCase: the runtime's parameter names.</summary>
    public static string Camel(string snake)
    {
        var sb = new StringBuilder();
        var upper = false;
        foreach (var c in snake)
        {
            if (c == '_') { upper = sb.Length > 0; continue; }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return Escape(sb.ToString());
    }

    /// <summary>snake_case to PascalCase: the runtime's factory names.</summary>
    public static string Pascal(string snake)
    {
        var camel = Camel(snake).TrimStart('@');
        return char.ToUpperInvariant(camel[0]) + camel.Substring(1);
    }
}
