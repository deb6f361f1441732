// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.Tests.ChildSafety;

public class DependencyTests
{
    [Fact]
    public void Core_ReferencesOnlyTheBaseLibrary()
    {
        // The embedding scorer and its ONNX runtime live in Safeguard.ChildSafety.Embeddings; the core stays BCL-only.
        var references = typeof(GroomingLexicon).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(
            name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"core references {name}"));
    }
}
