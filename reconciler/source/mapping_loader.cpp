#include "reconciler/source/mapping_loader.h"

#include <filesystem>

#include "reconciler/source/bulk_mappings.h"
#include "reconciler/source/desired_state_builder.h"
#include "reconciler/source/mapping_document.h"

namespace ptrd {

DesiredState loadMappings(const std::vector<std::string>& paths, const LoadOptions& options) {
  namespace fs = std::filesystem;
  using Bound = DesiredStateBuilder::Bound;
  DesiredStateBuilder builder;
  builder.setBudget(options.maxAddressesPerFile, options.maxAddressesTotal);
  if (options.onRecord) builder.onRecord(options.onRecord);
  MappingFileList list = listMappingFiles(paths, options.walk);
  for (auto& e : list.errors) builder.addFileError(std::move(e.where), std::move(e.reason));
  FileSystem& files = options.fileSystem != nullptr ? *options.fileSystem : FileSystem::real();
  for (const auto& file : list.files) {
    auto text = readInputFile(file, options.read, files);
    if (!text) {
      builder.addFileError(SourceLocation{file, 0, 0}, text.error().message);
      continue;
    }
    builder.startFile();
    const size_t checkpoint = builder.checkpoint();
    if (isBulkMappingFile(file)) {
      uint32_t source = builder.addSource(file, fs::path(file).filename().string());
      BulkOrigin origin;
      origin.file = file;
      origin.csvHeaderAllowed = fs::path(file).extension() == ".csv";
      addBulkMappings(*text, origin, source, builder);
    } else {
      loadMappingYaml(file, *text, options, builder);
    }
    if (builder.budgetHit() == Bound::kPerFile) builder.rollback(checkpoint);
    if (builder.budgetHit() == Bound::kTotal) {
      builder.rollback(0);  // never a partial desired state
      break;
    }
  }
  return std::move(builder).finish();
}

}  // namespace ptrd
