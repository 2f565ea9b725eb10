/** The workbench window: the library on the left, the selected story beside it, notices on top. */
import { Library } from './Library';
import { Notices } from './Notices';
import { StoryPane } from './StoryPane';

export function App() {
  return (
    <div className="workbench">
      <Notices />
      <Library />
      <StoryPane />
    </div>
  );
}
